import { journaledWrite } from '../core/journal/index.js';
import type { JournaledOperation } from '../core/journal/types.js';
import type { OriginContext } from './context.js';

/**
 * Runs one repository write journaled ahead (core/journal/intent.ts): its intent, with every id and time it stamps,
 * before the graph transaction, its outcome after. Wrap only the repository call: a failure after the commit (cache
 * invalidation) must not be taken for a refused write. A graph restored from a backup is brought forward by
 * replaying these. `changed` tells a write that committed nothing (a retry) from one that did. Without a journal,
 * the write runs alone.
 */
export function journaled<T>(
  ctx: OriginContext,
  operation: JournaledOperation,
  input: object,
  write: () => Promise<T>,
  changed?: (value: T) => boolean,
): Promise<T> {
  const log = (entry: Record<string, unknown>) => console.error(JSON.stringify({ ...entry, tenant: ctx.tenant }));
  return journaledWrite({ journal: ctx.journal, tenant: ctx.tenant, operation, input, log, changed }, write);
}
