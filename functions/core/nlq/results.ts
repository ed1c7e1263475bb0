/**
 * From plan rows to what leaves: entities for the export pipeline, the result set the evaluation compares (ids, a
 * count, a path length), and the policy's say on counts (an aggregate of fewer than k entities is not released).
 */
import type { AuditLedger } from '../audit/types.js';
import { toExportEntity, toNumber } from '../graph/model.js';
import type { ExportEntity } from '../graph/types.js';
import { type PolicyEngine, toDecisionLogEntry } from '../policy/index.js';
import type { PlanShape } from './plan.js';

/** The result set of a plan before policy: what `npm run eval:nlq` compares with the expected answer. */
export type ResultSet =
  | { shape: 'entities'; ids: string[] }
  | { shape: 'count'; value: number }
  | { shape: 'path'; hops: number | null; ids: string[] };

/** Entities (as the export pipeline takes them) and the result set of a plan's rows. */
export function readRows(shape: PlanShape, rows: Record<string, unknown>[]) {
  if (shape === 'count') {
    const value = rows[0] ? toNumber(rows[0].count) : 0;
    return { entities: [] as ExportEntity[], result: { shape, value } satisfies ResultSet };
  }
  if (shape === 'path') {
    const row = rows[0];
    const entities = row ? (row.entities as Record<string, unknown>[]).map(toExportEntity) : [];
    const hops = row ? toNumber(row.hops) : null;
    return { entities, result: { shape, hops, ids: entities.map((e) => e.id) } satisfies ResultSet };
  }
  const entities = rows.map((r) => toExportEntity(r.entity as Record<string, unknown>));
  return { entities, result: { shape, ids: entities.map((e) => e.id) } satisfies ResultSet };
}

/**
 * Decides whether a count may be released (k-anonymity of an aggregate: a group of 1..k-1 entities identifies too
 * few) and logs the decision to the ledger like every export decision.
 */
export async function releaseCount(
  deps: { engine: PolicyEngine; ledger: AuditLedger },
  input: { tenant: string; actor: string; signature: string },
  count: number,
): Promise<{ allow: boolean; decisionId: string; message: string }> {
  const request = { kind: 'nlq' };
  const decisionInput = { request, level: 0, max_level: 0, groups: count === 0 ? [] : [{ key: 'count', size: count }] };
  const decision = deps.engine.evaluate('graphgate/kanon/decision', decisionInput);
  await deps.ledger.append(input.tenant, {
    kind: 'policy.decision',
    actor: input.actor,
    subject: `nlq:${input.signature}`,
    data: { ...toDecisionLogEntry(decision, decisionInput), operation: 'nlq' },
  });
  const message = decision.reasons.map((r) => r.message).join('; ');
  return { allow: decision.allow || count === 0, decisionId: decision.decision_id, message };
}
