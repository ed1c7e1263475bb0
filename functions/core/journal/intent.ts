/**
 * Journals a write ahead of it: the intent (operation, replayable input, a fresh idempotency key) before the graph
 * transaction, its outcome after. The intent's input carries every id and time the write stamps (merge id, decision
 * id, `at`), so a replay writes the same values or finds them already there.
 *
 * - The intent's append fails: the write is not attempted (JOURNAL_UNAVAILABLE; the caller retries as it is).
 * - The write fails before its commit with a domain error (policy deny, conflict, not found, bad input): `aborted`,
 *   and replay skips it. Any other failure (the graph unreachable mid-commit) leaves the outcome open: in doubt.
 * - The write commits: `committed`, and only then does the caller hear "ok". If that append fails, the caller gets
 *   WRITE_IN_DOUBT instead: an acknowledged write always has its `committed` outcome, so replay may decide an intent
 *   without one by other evidence or leave it out (plan.ts) without losing anything a caller was told succeeded.
 * - The write commits nothing (a retry that found its change made): `unchanged`, and replay skips it. A lost
 *   `unchanged` or `aborted` is harmless: the intent is in doubt, and with no evidence of an effect it is left out.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors.js';
import { JournalUnavailableError, WriteInDoubtError } from './errors.js';
import type { IntentOutcome, JournaledOperation, WriteJournal } from './types.js';

/** Codes a write throws before anything committed: its intent is `aborted`. */
const refusedBeforeCommit = new Set(['POLICY_DENIED', 'CONFLICT', 'NOT_FOUND', 'INVALID_INPUT']);

export interface JournaledWriteOptions<T = unknown> {
  journal: WriteJournal | undefined;
  tenant: string;
  operation: JournaledOperation;
  /** What replay runs again: every id and time the write stamps, fixed before it runs. */
  input: object;
  /** Whether the write changed anything (default: always); one that did not is journaled `unchanged`. */
  changed?: (value: T) => boolean;
  /** Told when an outcome could not be appended (the intent stays in doubt). */
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * Runs `write` between its journaled intent and outcome; without a journal, runs it alone.
 * @example
 * const mergeId = randomUUID();
 * await journaledWrite({ journal, tenant, operation: 'mergeEntity', input: { ...input, mergeId } }, () =>
 *   repo.mergeEntity(tenant, { ...input, mergeId }, guard));
 */
export async function journaledWrite<T>(options: JournaledWriteOptions<T>, write: () => Promise<T>): Promise<T> {
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
  const outcome = (options.changed?.(value) ?? true) ? 'committed' : 'unchanged';
  const appended = await appendOutcome(options, intent, outcome);
  if (!appended && outcome === 'committed') throw new WriteInDoubtError(operation, intent);
  return value;
}

/** Appends the outcome; false (and logged) when it could not be. */
async function appendOutcome(options: JournaledWriteOptions<never>, intent: string, outcome: IntentOutcome) {
  try {
    await options.journal!.append(options.tenant, [{ kind: 'outcome', intent, outcome }]);
    return true;
  } catch (err) {
    options.log?.({
      // A lost `committed` fails the call (WRITE_IN_DOUBT); the others only leave an intent replay will not apply.
      level: outcome === 'committed' ? 'error' : 'warn',
      msg: 'write journal outcome not appended; the intent is in doubt',
      operation: options.operation,
      intent,
      outcome,
      error: String(err),
    });
    return false;
  }
}
