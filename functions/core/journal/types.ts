/**
 * The write journal: a record of every write the platform acknowledged (GraphQL mutations, accepted intake events),
 * kept outside the graph, so that after the graph is restored from a backup the writes accepted since can be applied
 * again (runbooks/neo4j-failover.md).
 *
 * The origin's GraphQL writes are journaled ahead (intent.ts): an intent, under a fresh idempotency key, before the
 * graph transaction, then its outcome after it (`committed`, `aborted`, or `unchanged` for a retry that found its
 * change made). The origin answers "ok" only once the `committed` outcome is appended. A write whose outcome never
 * arrived (the process or the graph died mid-write, or the outcome's append failed) is in doubt, and replay decides it
 * (plan.ts): committed when a store that survives the graph's loss shows its effect (the audit ledger's entry of a
 * review decision or undo, by decision id; a later committed undo or unmerge that needed it), otherwise not
 * replayed — its caller was never told it succeeded.
 * Entries without an intent key (a re-cluster's writes, events, entries written before intents existed) are appended
 * after the write and before the caller hears so. Replay is idempotent either way (upserts and links by id, merges by
 * merge id, review decisions by decision id, events exactly once by event id).
 */

/**
 * The GraphQL writes journaled, each with the input that replays it: upsert and link inputs as given; a merge with
 * its mergeId (so a replayed merge keeps it and a later unmerge finds it), an unmerge by mergeId, a reclassify as
 * `{ id, dataClass }`; a review decision as a `JournaledDecision`, its undo as a `JournaledUndo` (one entry per
 * candidate of a `decideReviews` call). `npm run er:recluster` journals its merges and splits as `mergeEntity` and
 * `unmergeEntity` (with `at`), and the review candidates it closes and opens with the values it wrote them with.
 */
export type JournaledOperation =
  | 'upsertEntity'
  | 'linkEntities'
  | 'mergeEntity'
  | 'unmergeEntity'
  | 'reclassifyEntity'
  | 'decideReview'
  | 'undoReviewDecision'
  | 'closeReclusterReview'
  | 'openReclusterReview'
  | 'claimReview';

/** A review decision as acknowledged: replay makes it again under its decision id, an ACCEPT under its merge id. */
export interface JournaledDecision {
  reviewId: string;
  decisionId: string;
  decision: 'ACCEPT' | 'REJECT' | 'DEFER';
  reason: string;
  reviewer: { subject: string; sessionId: string | null; stepUpChallengeId: string | null };
  mergeId: string | null;
  /** Epoch ms of the decision (its node, the candidate and the merge keep it on replay). */
  at: number;
}

/** The undo of a review decision as acknowledged (replayed unless that decision is already undone). */
export interface JournaledUndo {
  reviewId: string;
  decisionId: string;
  actor: string;
  at: number;
}

/** A review claim (or its release) as acknowledged: replay claims again for the reviewer, stamped with the same time. */
export interface JournaledClaim {
  reviewId: string;
  reviewer: string;
  release: boolean;
  at: number;
}

/**
 * What a write ended as: a `committed` intent replays in its outcome's order; replay skips an `aborted` one (refused
 * before its commit) and an `unchanged` one (it committed nothing: a retry that found its change already made).
 */
export type IntentOutcome = 'committed' | 'aborted' | 'unchanged';

/** What a writer journals. */
export type JournalPayload =
  | {
      kind: 'graphql';
      operation: JournaledOperation;
      input: Record<string, unknown>;
      /** Present on an intent journaled before its write (intent.ts): the key its outcome names. */
      intent?: string;
    }
  | { kind: 'outcome'; intent: string; outcome: IntentOutcome }
  | { kind: 'event'; envelope: Record<string, unknown> };

export interface JournalEntry {
  tenant: string;
  /** Epoch ms of the append; replay reads entries from a backup's start on. */
  at: number;
  /** Unique within the tenant and ms (a random suffix), so concurrent appends never collide. */
  id: string;
  payload: JournalPayload;
}

/** The port. Adapter: DynamoDB (deployed and the twin). */
export interface WriteJournal {
  append(tenant: string, payloads: readonly JournalPayload[]): Promise<void>;
  /** A tenant's entries with `at >= sinceMs`, oldest first. */
  read(tenant: string, sinceMs: number): AsyncIterable<JournalEntry>;
  /** Every tenant that appended within the retention: replay finds tenants created after the last backup here. */
  tenants(): AsyncIterable<string>;
}
