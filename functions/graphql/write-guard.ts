/**
 * Every mutation is authorised by the write policy (graphgate/write/decision) on the caller's roles and clearances and
 * on each touched entity's current and new data class. The repository consults the guard inside the write transaction,
 * on the state it has just read, before it writes; a deny rolls the transaction back and is logged to the ledger.
 */
import type { WriteGuard, WriteResult } from '../core/graph/types.js';
import { policyClass } from '../core/graph/types.js';
import {
  type CallerAttributes,
  decideWrite,
  PolicyDeniedError,
  toDecisionLogEntry,
  type WriteDecision,
} from '../core/policy/index.js';
import type { OriginContext } from './context.js';
import { visibleClass } from './visibility.js';

/** A write decision about one entity. */
export type EntityDecision = WriteDecision & { id: string };

/** The guard of one mutation, with the decisions of its last authorisation (a retried transaction decides again). */
export interface OriginWriteGuard extends WriteGuard {
  readonly decisions: readonly EntityDecision[];
}

/** The write guard for the caller of `ctx`: its scope for visibility, the policy for each change. */
export function writeGuard(ctx: OriginContext): OriginWriteGuard {
  const caller = ctx.claims.attributes as CallerAttributes;
  let decisions: EntityDecision[] = [];
  return {
    get decisions() {
      return decisions;
    },
    visible: (dataClass) => visibleClass(ctx, dataClass),
    authorize(operation, changes) {
      decisions = changes.map((c) => ({
        id: c.id,
        ...decideWrite(ctx.policy, caller, {
          operation,
          currentClass: c.current === null ? null : policyClass(c.current),
          newClass: policyClass(c.next),
        }),
      }));
      const denied = decisions.find((d) => !d.decision.allow)?.decision;
      if (denied) throw new PolicyDeniedError(denied.entrypoint, denied.decision_id, denied.reasons);
    },
  };
}

/** Appends write decisions to the tenant's ledger as `policy.decision` entries, as exports log theirs. */
export async function logWriteDecisions(ctx: OriginContext, decisions: readonly EntityDecision[]): Promise<void> {
  if (!ctx.ledger) return;
  // Sequential: appends to one tenant's hash chain are ordered anyway, and this keeps the decisions' order.
  for (const { id, decision, input } of decisions) {
    await ctx.ledger.append(ctx.tenant, {
      kind: 'policy.decision',
      actor: ctx.subject,
      subject: id,
      data: { ...toDecisionLogEntry(decision, input), operation: ctx.operation?.name ?? 'arbitrary' },
    });
  }
}

/**
 * Runs one mutation's repository write under a fresh guard, then invalidates what it touched. A policy deny is logged
 * (when the origin has a ledger) and rethrown as the coded POLICY_DENIED error with its explain.
 */
export async function guardedWrite<T>(
  ctx: OriginContext,
  write: (guard: WriteGuard) => Promise<WriteResult<T>>,
): Promise<{ value: T; decisions: readonly EntityDecision[] }> {
  const guard = writeGuard(ctx);
  let result: WriteResult<T>;
  try {
    result = await write(guard);
  } catch (err) {
    if (err instanceof PolicyDeniedError) await logWriteDecisions(ctx, guard.decisions);
    throw err;
  }
  await ctx.recordWrite(result.touched, result.bookmarks);
  return { value: result.value, decisions: guard.decisions };
}
