/**
 * The order and the choice of what a replay applies, from a tenant's journal entries (no graph involved):
 *
 * - An intent with a `committed` outcome replays at its outcome's time (the commit order); `aborted` and `unchanged`
 *   ones are skipped. Entries without an intent key were appended after their commit and replay at their own time.
 * - An intent without an outcome is in doubt: the process or the graph died between intent and outcome, or the
 *   outcome's append failed. It is decided, never guessed:
 *   1. committed, when a store that survives the graph's loss shows its effect, and then replayed at its own time
 *      like any committed write. The audit ledger: it holds the `er.review.decision` (or `er.review.undo`) entry of
 *      the intent's decision id, appended only after that decision committed (a retry that found it made appends the
 *      entry the first call owed). The journal: a committed undo names this decision as the one it found in force,
 *      or a committed unmerge names this merge's id — neither could have succeeded unless this write committed.
 *   2. otherwise left out, and listed (`inDoubtSkipped`): the origin says "ok" only after appending `committed`
 *      (intent.ts), so the caller of such a write was answered with an error (WRITE_IN_DOUBT, a 5xx, a dropped
 *      connection) and told to send it again; a resend is a write of its own, with its own intent and outcome.
 *      Applying it would put back a write nobody was told succeeded, possibly one that never committed.
 *   Upserts, links, reclassifications and claims leave no such trace outside the graph, so only rule 2 applies.
 */
import type { AuditedReviews } from './replay-reviews.js';
import type { JournalEntry, JournaledOperation } from './types.js';

/** What replay does with an intent that has no outcome. */
export type InDoubtVerdict = 'committed' | 'not-acknowledged';

/** What shows an in-doubt write committed: ledger entries by decision id, and later committed writes that needed it. */
export interface InDoubtEvidence extends AuditedReviews {
  /** Decision ids a committed undo found in force. */
  undone: ReadonlySet<string>;
  /** Merge ids a committed unmerge undid. */
  unmerged: ReadonlySet<string>;
}

/**
 * Decides an in-doubt intent by the evidence (see the module comment).
 * @example decideInDoubt('decideReview', { decisionId: 'd-1', … }, { ...evidence, decisions: new Set(['d-1']) })
 * // → 'committed'
 */
export function decideInDoubt(
  operation: JournaledOperation,
  input: Record<string, unknown>,
  evidence: InDoubtEvidence,
): InDoubtVerdict {
  const id = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  const shown =
    (operation === 'decideReview' &&
      (evidence.decisions.has(id('decisionId')) || evidence.undone.has(id('decisionId')))) ||
    (operation === 'undoReviewDecision' && evidence.undos.has(id('decisionId'))) ||
    (operation === 'mergeEntity' && evidence.unmerged.has(id('mergeId')));
  return shown ? 'committed' : 'not-acknowledged';
}

/**
 * The evidence the journal itself holds: decisions named by undos and merges named by unmerges that committed (their
 * outcome says so, they were journaled after their commit, or — an undo — the ledger holds its entry).
 */
function journalEvidence(
  entries: readonly JournalEntry[],
  outcomes: ReadonlyMap<string, { outcome: string }>,
  audited: AuditedReviews,
): InDoubtEvidence {
  const undone = new Set<string>();
  const unmerged = new Set<string>();
  for (const { payload } of entries) {
    if (payload.kind !== 'graphql') continue;
    const { operation, input, intent } = payload;
    const committed = intent === undefined || outcomes.get(intent)?.outcome === 'committed';
    if (operation === 'undoReviewDecision' && typeof input.decisionId === 'string') {
      if (committed || audited.undos.has(input.decisionId)) undone.add(input.decisionId);
    } else if (operation === 'unmergeEntity' && committed && typeof input.mergeId === 'string') {
      unmerged.add(input.mergeId);
    }
  }
  return { ...audited, undone, unmerged };
}

/** A journal entry with the time it replays at (its outcome's for a committed intent). */
export interface Planned {
  entry: JournalEntry;
  replayAt: number;
  /** An intent without an outcome that the evidence showed committed. */
  inDoubt: boolean;
}

/** An in-doubt intent left out of the replay: enough to find it in the journal. */
export interface SkippedIntent {
  intent: string;
  operation: JournaledOperation;
  /** ISO time of the intent's append. */
  at: string;
}

export interface ReplayPlan {
  planned: Planned[];
  /** Within the window: intents skipped as `aborted`, skipped as `unchanged`, and without an outcome. */
  aborted: number;
  unchanged: number;
  inDoubt: number;
  /** In-doubt intents within the window decided `not-acknowledged`. */
  inDoubtSkipped: SkippedIntent[];
}

/**
 * The entries to replay, in order; GraphQL entries before `sinceMs` are counted nowhere (the backup holds them) but
 * still planned, so the caller drops them as before (events before it are read for their look-back window).
 */
export function planReplay(entries: readonly JournalEntry[], sinceMs: number, audited: AuditedReviews): ReplayPlan {
  const outcomes = new Map<string, { outcome: string; at: number }>();
  for (const entry of entries) {
    if (entry.payload.kind === 'outcome') outcomes.set(entry.payload.intent, { ...entry.payload, at: entry.at });
  }
  const evidence = journalEvidence(entries, outcomes, audited);
  const plan: ReplayPlan = { planned: [], aborted: 0, unchanged: 0, inDoubt: 0, inDoubtSkipped: [] };
  for (const entry of entries) {
    const { payload } = entry;
    if (payload.kind === 'outcome') continue;
    const intent = payload.kind === 'graphql' ? payload.intent : undefined;
    if (payload.kind !== 'graphql' || intent === undefined) {
      plan.planned.push({ entry, replayAt: entry.at, inDoubt: false });
      continue;
    }
    const outcome = outcomes.get(intent);
    const replayAt = outcome?.at ?? entry.at;
    const counted = replayAt >= sinceMs;
    if (outcome?.outcome === 'aborted' || outcome?.outcome === 'unchanged') {
      if (counted) plan[outcome.outcome]++;
      continue;
    }
    if (!outcome) {
      if (counted) plan.inDoubt++;
      if (decideInDoubt(payload.operation, payload.input, evidence) === 'not-acknowledged') {
        if (counted) {
          plan.inDoubtSkipped.push({ intent, operation: payload.operation, at: new Date(entry.at).toISOString() });
        }
        continue;
      }
    }
    plan.planned.push({ entry, replayAt, inDoubt: !outcome });
  }
  // Stable: ties keep journal order.
  plan.planned.sort((a, b) => a.replayAt - b.replayAt);
  return plan;
}
