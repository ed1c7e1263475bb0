/**
 * Journals a write ahead of it: the intent (operation, replayable input, a fresh idempotency key) before the graph
 * transaction, its outcome after. The intent's input carries every id and time the write stamps (merge id, decision
 * id, `at`), so a replay writes the same values or finds them already there.
 *
 * - The intent's append fails: the write is not attempted (JOURNAL_UNAVAILABLE; the caller retries as it is).
 * - The write fails before its commit with a domain error (policy deny, conflict, not found, bad input): `aborted`,
 *   and replay skips it. Any other failure (the graph unreachable mid-commit) leaves the outcome to replay: in doubt.
 * - The write commits: `committed`. If that append fails, or the process dies first, the intent stays in doubt and
 *   replay applies it as committed — the client still hears of its success, because the intent already holds it.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors.js';
import { JournalUnavailableError } from './errors.js';
import type { IntentOutcome, JournaledOperation, WriteJournal } from './types.js';

/** Codes a write throws before anything committed: its intent is `aborted`. */
const refusedBeforeCommit = new Set(['POLICY_DENIED', 'CONFLICT', 'NOT_FOUND', 'INVALID_INPUT']);

export interface JournaledWriteOptions {
  journal: WriteJournal | undefined;
  tenant: string;
  operation: JournaledOperation;
  /** What replay runs again: every id and time the write stamps, fixed before it runs. */
  input: object;
  /** Told when an outcome could not be appended (the intent stays in doubt and replays as committed). */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * Runs `write` between its journaled intent and outcome; without a journal, runs it alone.
 * @example
 * const mergeId = randomUUID();
 * await journaledWrite({ journal, tenant, operation: 'mergeEntity', input: { ...input, mergeId } }, () =>
 *   repo.mergeEntity(tenant, { ...input, mergeId }, guard));
 */
export async function journaledWrite<T>(options: JournaledWriteOptions, write: () => Promise<T>): Promise<T> {
  const { journal, tenant, operation } = options;
  if (!journal) return write();
  const intent = randomUUID();
  try {
    await journal.append(tenant, [
      { kind: 'graphql', operation, input: { ...(options.input as Record<string, unknown>) }, intent },
    ]);
  } catch (cause) {
    throw new JournalUnavailableError(operation, { cause });
  }
  let value: T;
  try {
    value = await write();
  } catch (err) {
    if (err instanceof DomainError && refusedBeforeCommit.has(err.code)) {
      await appendOutcome(options, intent, 'aborted');
    }
    throw err;
  }
  await appendOutcome(options, intent, 'committed');
  return value;
}

async function appendOutcome(options: JournaledWriteOptions, intent: string, outcome: IntentOutcome): Promise<void> {
  try {
    await options.journal!.append(options.tenant, [{ kind: 'outcome', intent, outcome }]);
  } catch (err) {
    options.log?.({
      // A lost `aborted` is the worse one: replay would apply a write the graph refused.
      level: outcome === 'aborted' ? 'error' : 'warn',
      msg: 'write journal outcome not appended; replay treats the write as in doubt',
      operation: options.operation,
      intent,
      outcome,
      error: String(err),
    });
  }
}
