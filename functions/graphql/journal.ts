import type { JournaledOperation } from '../core/journal/types.js';
import type { OriginContext } from './context.js';

/**
 * Journals an acknowledged write after it committed and before the client hears so (core/journal): a graph restored
 * from a backup is brought forward by replaying these (merges with their mergeId, so replay keeps it).
 */
export async function journal(ctx: OriginContext, operation: JournaledOperation, input: object): Promise<void> {
  await ctx.journal?.append(ctx.tenant, [
    { kind: 'graphql', operation, input: { ...(input as Record<string, unknown>) } },
  ]);
}
