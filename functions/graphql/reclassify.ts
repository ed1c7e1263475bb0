/**
 * `Mutation.reclassifyEntity`: the one write that may lower an entity's data class. It is `@sensitive` (step-up), is
 * decided by the write policy as `reclassify` (a right few roles hold), and is audited: an `entity.reclassify` ledger
 * entry names tenant, actor, entity, both classes, the reason and the decision.
 */
import { z } from 'zod';
import { LedgerUnavailableError } from '../core/audit/errors.js';
import { InvalidInputError } from '../core/graph/errors.js';
import { type DataClass, policyClass } from '../core/graph/types.js';
import type { OriginContext } from './context.js';
import { journaled } from './journal.js';
import { shown } from './visibility.js';
import { guardedWrite } from './write-guard.js';

/** GraphQL arguments of `Mutation.reclassifyEntity`. */
export interface ReclassifyArgs {
  id: string;
  dataClass: DataClass;
  reason: string;
}

const reasonSchema = z.string().trim().min(1, 'give the reason for the change').max(500);

/** Resolves `Mutation.reclassifyEntity`. */
export async function reclassifyEntity(_: unknown, args: ReclassifyArgs, ctx: OriginContext) {
  const reason = reasonSchema.safeParse(args.reason);
  if (!reason.success) throw new InvalidInputError(`invalid reason: ${z.prettifyError(reason.error)}`);
  // Refused before anything is read: a class change must never go unaudited.
  const ledger = ctx.ledger;
  if (!ledger) throw new LedgerUnavailableError('reclassifyEntity');
  const input = { id: args.id, dataClass: args.dataClass };
  const at = Date.now();
  const { value, decisions } = await guardedWrite(ctx, (guard) =>
    journaled(ctx, 'reclassifyEntity', { ...input, at }, () => ctx.repo.reclassifyEntity(ctx.tenant, input, guard, at)),
  );
  const decision = decisions[0]!.decision;
  // After the commit: the step-up gate has already audited the call itself; this entry records what it changed.
  await ledger.append(ctx.tenant, {
    kind: 'entity.reclassify',
    actor: ctx.subject,
    subject: value.entity.id,
    data: {
      from: policyClass(value.from),
      to: policyClass(value.to),
      lowering: decision.lowering,
      reason: reason.data,
      operation: ctx.operation?.name ?? 'arbitrary',
      decisionId: decision.decision_id,
      revision: decision.revision,
    },
  });
  return { entity: shown(ctx, value.entity), from: value.from, to: value.to, decisionId: decision.decision_id };
}
