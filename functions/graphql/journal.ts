import { journaledWrite } from '../core/journal/index.js';
import type { JournaledOperation } from '../core/journal/types.js';
import type { OriginContext } from './context.js';

/**
 * Runs one repository write journaled ahead (core/journal/intent.ts): its intent, with every id and time it stamps,
 * before the graph transaction, its outcome after. Wrap only the repository call: a failure after the commit (cache
 * invalidation) must not be taken for a refused write. A graph restored from a backup is brought forward by
 * replaying these. Without a journal, the write runs alone.
 */
export function journaled<T>(
  ctx: OriginContext,
  operation: JournaledOperation,
  input: object,
  write: () => Promise<T>,
): Promise<T> {
  const log = (entry: Record<string, unknown>) => console.error(JSON.stringify({ ...entry, tenant: ctx.tenant }));
  return journaledWrite({ journal: ctx.journal, tenant: ctx.tenant, operation, input, log }, write);
}

/**
 * Journals a write after it committed and before the client hears so (review decisions and undos, whose ids the
 * transaction chooses; a retry that still owes the decision's ledger entry journals it again).
 */
export async function journalCommitted(ctx: OriginContext, operation: JournaledOperation, input: object) {
  await ctx.journal?.append(ctx.tenant, [
    { kind: 'graphql', operation, input: { ...(input as Record<string, unknown>) } },
  ]);
}
