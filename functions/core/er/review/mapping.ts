/** Review nodes to domain values (the queue, the detail and every write answer with the same shapes). */
import { type Props, toEntity, toNumber } from '../../graph/model.js';
import type { FsScore } from '../model/model.js';
import type { ReviewDecisionKind, ReviewDecisionRecord, ReviewDetail, ReviewItem, ReviewStatus } from './types.js';

const iso = (v: unknown): string | null => (v == null ? null : new Date(toNumber(v)).toISOString());
const str = (v: unknown): string | null => (v == null ? null : String(v));

/** A queue item from the candidate's properties and both entities' (null when gone). */
export function toReviewItem(r: Props, entity: Props | null, candidate: Props | null): ReviewItem {
  return {
    id: String(r.id),
    status: r.status as ReviewStatus,
    probability: Number(r.score),
    modelVersion: str(r.modelVersion) ?? modelVersionOf(r),
    eventId: str(r.eventId),
    createdAt: iso(r.createdAt)!,
    assignee: str(r.assignee),
    claimedAt: iso(r.claimedAt),
    decision: (r.decision as ReviewDecisionKind | null) ?? null,
    decidedBy: str(r.decidedBy),
    decidedAt: iso(r.decidedAt),
    mergeId: str(r.mergeId),
    entity: entity ? toEntity(entity) : null,
    candidate: candidate ? toEntity(candidate) : null,
  };
}

/** The waterfall stored with the candidate, or null when it does not parse. */
export function explanationOf(r: Props): FsScore | null {
  try {
    return typeof r.explanation === 'string' ? (JSON.parse(r.explanation) as FsScore | null) : null;
  } catch {
    return null;
  }
}

/** Candidates made by the intake carry the model version only inside their explanation. */
function modelVersionOf(r: Props): string | null {
  return explanationOf(r)?.modelVersion ?? null;
}

export function toDecisionRecord(d: Props): ReviewDecisionRecord {
  return {
    id: String(d.id),
    decision: d.decision as ReviewDecisionKind,
    reason: String(d.reason ?? ''),
    reviewer: String(d.reviewer),
    sessionId: str(d.sessionId),
    stepUpChallengeId: str(d.stepUpChallengeId),
    mergeId: str(d.mergeId),
    at: iso(d.at)!,
    undoneAt: iso(d.undoneAt),
    undoneBy: str(d.undoneBy),
  };
}

export function toReviewDetail(row: {
  review: Props;
  entity: Props | null;
  candidate: Props | null;
  decisions: Props[];
}): ReviewDetail {
  return {
    ...toReviewItem(row.review, row.entity, row.candidate),
    explanation: explanationOf(row.review),
    decisions: row.decisions.map(toDecisionRecord),
  };
}
