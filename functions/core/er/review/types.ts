/** Types of the review queue (adjudication of MID-band candidates), shared by the store, the origin and tests. */
import type { Entity, EntityKind, WriteGuard, WriteResult } from '../../graph/types.js';
import type { FsScore } from '../model/model.js';

export const reviewStatuses = ['OPEN', 'DEFERRED', 'ACCEPTED', 'REJECTED', 'MERGED', 'SUPERSEDED'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];

export const reviewDecisions = ['ACCEPT', 'REJECT', 'DEFER'] as const;
export type ReviewDecisionKind = (typeof reviewDecisions)[number];

export const reviewOrders = ['OLDEST', 'NEWEST', 'PROBABILITY_DESC', 'PROBABILITY_ASC'] as const;
export type ReviewOrder = (typeof reviewOrders)[number];

/** Which candidates a queue page holds. Every field narrows; absent fields do not. */
export interface ReviewFilter {
  statuses?: ReviewStatus[] | null;
  minProbability?: number | null;
  maxProbability?: number | null;
  kinds?: EntityKind[] | null;
  sourceSystem?: string | null;
  /** Created at least this many seconds ago. */
  minAgeS?: number | null;
  /** Created at most this many seconds ago. */
  maxAgeS?: number | null;
  assignee?: string | null;
  unassigned?: boolean | null;
  /** Words matched against both sides' names (any word, as tokens). */
  text?: string | null;
}

export interface ReviewQueueQuery {
  filter?: ReviewFilter | null;
  orderBy?: ReviewOrder | null;
  first?: number | null;
  after?: string | null;
  /** The data classes the caller may see: a candidate is listed only when both entities are of one of them. */
  dataClasses: readonly string[];
}

/** A review candidate as the queue shows it. */
export interface ReviewItem {
  id: string;
  status: ReviewStatus;
  probability: number;
  modelVersion: string | null;
  eventId: string | null;
  createdAt: string;
  assignee: string | null;
  claimedAt: string | null;
  decision: ReviewDecisionKind | null;
  decidedBy: string | null;
  decidedAt: string | null;
  mergeId: string | null;
  entity: Entity | null;
  candidate: Entity | null;
}

export interface ReviewQueuePage {
  items: ReviewItem[];
  /** Visible candidates matching the filter; a lower bound when `totalCountExact` is false (too many to count). */
  totalCount: number;
  totalCountExact: boolean;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** One recorded decision on a candidate. */
export interface ReviewDecisionRecord {
  id: string;
  decision: ReviewDecisionKind;
  reason: string;
  reviewer: string;
  sessionId: string | null;
  stepUpChallengeId: string | null;
  mergeId: string | null;
  at: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

export interface ReviewDetail extends ReviewItem {
  explanation: FsScore | null;
  decisions: ReviewDecisionRecord[];
}

/** Who decides, from which session and step-up ceremony. */
export interface Reviewer {
  subject: string;
  sessionId: string | null;
  stepUpChallengeId: string | null;
}

/** What a decision, claim or undo did to one candidate. */
export interface ReviewChange {
  review: ReviewItem;
  /** False when the call found the candidate already in the asked state (a retry): nothing was written. */
  changed: boolean;
  /** The decision written or undone (and whether its ledger entry is still owed). */
  decision: (ReviewDecisionRecord & { auditOwed: boolean }) | null;
  probability: number;
  modelVersion: string | null;
}

/**
 * The ids and time the origin fixes before it journals a decision's (or an undo's) intent (core/journal), so a replay
 * writes the same: the new decision's id and merge id, or — for an undo — the id of the decision in force it undoes
 * (null: it saw none; a decision in force other than that one is a CONFLICT, since the intent does not name it).
 */
export interface ReviewStamp {
  decisionId: string | null;
  mergeId: string | null;
  at: number;
}

/** The review-queue port. Writes take the caller's write guard (policy inside the transaction). */
export interface ReviewStore {
  queue(tenant: string, query: ReviewQueueQuery): Promise<ReviewQueuePage>;
  detail(tenant: string, id: string, dataClasses: readonly string[]): Promise<ReviewDetail | null>;
  /** `at`: the epoch ms the claim is stamped with (the origin journals it, so a replay stamps the same). */
  claim(
    tenant: string,
    id: string,
    reviewer: Reviewer,
    guard: WriteGuard,
    release: boolean,
    at?: number,
  ): Promise<ReviewChange>;
  /** `stamp`: the decision id, merge id and time to write with (the origin journals them first). */
  decide(
    tenant: string,
    id: string,
    input: { decision: ReviewDecisionKind; reason: string; reviewer: Reviewer },
    guard: WriteGuard,
    stamp?: ReviewStamp,
  ): Promise<WriteResult<ReviewChange>>;
  /** `stamp`: the decision in force it must undo (null: none) and the time. */
  undo(
    tenant: string,
    id: string,
    reviewer: Reviewer,
    guard: WriteGuard,
    stamp?: ReviewStamp,
  ): Promise<WriteResult<ReviewChange>>;
  /** Marks a decision's (or its undo's) ledger entry appended. */
  markAudited(tenant: string, decisionId: string, field: 'audited' | 'undoAudited'): Promise<void>;
  backlog(tenant: string): Promise<{ open: number; oldestCreatedAt: string | null }>;
}
