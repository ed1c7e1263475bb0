/**
 * Decisions on review candidates as transaction functions. Each locks the candidate first, so two reviewers (or a
 * retry racing its original) are serialised; each answers a hidden candidate (either entity outside the caller's
 * scope) exactly as a missing one; each is decided by the write policy through the caller's guard inside the
 * transaction. ACCEPT merges the record's entity into the candidate (reversible), REJECT records the pair as not the
 * same (ER never proposes or merges it again), DEFER parks the candidate. Asking for the state a candidate is already
 * in changes nothing, so a retried call is harmless.
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { ConflictError, NotFoundError } from '../../graph/errors.js';
import { mergeEntitiesTx, unmergeTx } from '../../graph/merge.js';
import { sourceKey } from '../../graph/merge-props.js';
import { epochMs, type Props } from '../../graph/model.js';
import type { DataClass, Source, WriteGuard } from '../../graph/types.js';
import {
  assignReviewCypher,
  createNotSameCypher,
  createReviewDecisionCypher,
  currentReviewDecisionCypher,
  deleteNotSameCypher,
  lockReviewCypher,
  markDecisionAuditedCypher,
  markDecisionUndoneCypher,
  reviewDetailCypher,
  setReviewStatusCypher,
} from './cypher.js';
import { toDecisionRecord, toReviewDetail } from './mapping.js';
import type { ReviewChange, ReviewDecisionKind, Reviewer, ReviewStamp, ReviewStatus } from './types.js';

const statusOf: Record<ReviewDecisionKind, ReviewStatus> = {
  ACCEPT: 'ACCEPTED',
  REJECT: 'REJECTED',
  DEFER: 'DEFERRED',
};
/** Statuses a re-cluster set: the candidate is settled by ER itself and has nothing to decide or undo. */
const closedByEr = new Set(['MERGED', 'SUPERSEDED']);

/**
 * What a journal replay pins: a stamp whose decision id is known, and whether its ledger entry exists. A replay
 * skips the claim check (a claim is replayed on its own) and the retry answer: the replay itself tells an applied
 * decision from a missing one by its id.
 */
export interface Pinned extends ReviewStamp {
  decisionId: string;
  audited: boolean;
  replay: true;
}

const isReplay = (stamp: ReviewStamp | Pinned | undefined): stamp is Pinned => !!stamp && 'replay' in stamp;

interface Locked {
  review: Props;
  entity: Props;
  candidate: Props;
}

/** Locks the candidate; NOT_FOUND when it, or either entity, is missing or hidden from the guard. */
async function lockVisible(tx: ManagedTransaction, tenant: string, id: string, guard: WriteGuard): Promise<Locked> {
  const row = (await tx.run(lockReviewCypher.cypher, { tenant, id })).records[0];
  const review = row?.get('review') as Props | undefined;
  const entity = row?.get('entity') as Props | null | undefined;
  const candidate = row?.get('candidate') as Props | null | undefined;
  const seen = (p: Props | null | undefined): p is Props => !!p && guard.visible(p.dataClass as DataClass);
  if (!review || !seen(entity) || !seen(candidate)) throw new NotFoundError('review', id);
  return { review, entity, candidate };
}

/** CONFLICT when another reviewer holds the candidate. */
function checkClaim(locked: Locked, reviewer: Reviewer): void {
  const assignee = locked.review.assignee as string | null | undefined;
  if (assignee && assignee !== reviewer.subject) {
    throw new ConflictError(`review ${String(locked.review.id)} is claimed by ${assignee}`);
  }
}

/** The policy's say on touching the pair without changing either entity (claim, reject, defer and their undo). */
function authorizePair(guard: WriteGuard, locked: Locked): void {
  const same = (p: Props) => ({ id: String(p.id), current: p.dataClass as DataClass, next: p.dataClass as DataClass });
  guard.authorize('merge', [same(locked.entity), same(locked.candidate)]);
}

async function reload(tx: ManagedTransaction, tenant: string, id: string) {
  const row = (await tx.run(reviewDetailCypher.cypher, { tenant, id })).records[0]!;
  return toReviewDetail(row.toObject() as Parameters<typeof toReviewDetail>[0]);
}

async function currentDecision(tx: ManagedTransaction, tenant: string, reviewId: string) {
  const row = (await tx.run(currentReviewDecisionCypher.cypher, { tenant, reviewId })).records[0];
  return row ? (row.get('decision') as Props) : null;
}

const notSamePair = (locked: Locked) => {
  const sides = [locked.entity, locked.candidate]
    .map((p) => ({ id: String(p.id), sources: parseSources(p.sources).map(sourceKey) }))
    .sort((x, y) => x.id.localeCompare(y.id));
  return { a: sides[0]!.id, b: sides[1]!.id, aSources: sides[0]!.sources, bSources: sides[1]!.sources };
};

function parseSources(text: unknown): Source[] {
  try {
    return typeof text === 'string' ? (JSON.parse(text) as Source[]) : [];
  } catch {
    return [];
  }
}

function change(detail: Awaited<ReturnType<typeof reload>>, changed: boolean, decision: Props | null, owed: boolean) {
  const { explanation, decisions: _history, ...review } = detail;
  return {
    review,
    changed,
    decision: decision ? { ...toDecisionRecord(decision), auditOwed: owed } : null,
    probability: review.probability,
    modelVersion: review.modelVersion ?? explanation?.modelVersion ?? null,
  } satisfies ReviewChange;
}

/**
 * Decides one candidate; `touched` are the entities a merge changed (for the response cache). One time stamps the
 * lock, the merge and the decision, so a replay pinned to it writes the same values.
 */
export async function decideReviewTx(
  tx: ManagedTransaction,
  tenant: string,
  id: string,
  input: { decision: ReviewDecisionKind; reason: string; reviewer: Reviewer },
  guard: WriteGuard,
  stamp?: ReviewStamp | Pinned,
): Promise<{ change: ReviewChange; touched: string[] }> {
  const pinned = isReplay(stamp) ? stamp : undefined;
  const now = stamp?.at ?? Date.now();
  const locked = await lockVisible(tx, tenant, id, guard);
  if (!pinned) checkClaim(locked, input.reviewer);
  const status = String(locked.review.status);
  if (closedByEr.has(status)) throw new ConflictError(`review ${id} was settled by entity resolution (${status})`);
  if (!pinned && status === statusOf[input.decision]) {
    // A retry: the decision is in force; its ledger entry may still be owed if the first call died before appending.
    const d = await currentDecision(tx, tenant, id);
    return { change: change(await reload(tx, tenant, id), false, d, d ? d.audited !== true : false), touched: [] };
  }
  if (status !== 'OPEN' && status !== 'DEFERRED') {
    throw new ConflictError(`review ${id} is already ${status}; undo that decision first`);
  }
  let mergeId: string | null = null;
  let touched: string[] = [];
  if (input.decision === 'ACCEPT') {
    // The record's entity joins the candidate, as a HIGH decision would have done (the merge guard decides policy).
    const merged = await mergeEntitiesTx(
      tx,
      tenant,
      {
        survivorId: String(locked.review.candidateId),
        mergedId: String(locked.review.entityId),
        reason: `review ${id}: ${input.reason}`,
        actor: input.reviewer.subject,
        ...(stamp?.mergeId ? { mergeId: stamp.mergeId } : {}),
        at: now,
      },
      guard,
    );
    mergeId = merged.mergeId;
    touched = merged.touched;
  } else {
    authorizePair(guard, locked);
    if (input.decision === 'REJECT') {
      await tx.run(createNotSameCypher.cypher, { tenant, ...notSamePair(locked), reviewId: id, now: epochMs(now) });
    }
  }
  const decisionId = stamp?.decisionId ?? randomUUID();
  const { subject, sessionId, stepUpChallengeId } = input.reviewer;
  await tx.run(createReviewDecisionCypher.cypher, {
    tenant,
    id: decisionId,
    reviewId: id,
    decision: input.decision,
    reason: input.reason,
    reviewer: subject,
    sessionId,
    stepUpChallengeId,
    mergeId,
    now: epochMs(now),
  });
  if (pinned?.audited) await tx.run(markDecisionAuditedCypher.cypher, { tenant, id: decisionId, field: 'audited' });
  await tx.run(setReviewStatusCypher.cypher, {
    tenant,
    id,
    status: statusOf[input.decision],
    decision: input.decision,
    decisionId,
    reviewer: subject,
    mergeId,
    now: epochMs(now),
  });
  const d = await currentDecision(tx, tenant, id);
  return { change: change(await reload(tx, tenant, id), true, d, true), touched };
}

/**
 * Undoes the candidate's decision in force and reopens it: an accept is unmerged, a reject's not-same constraint is
 * removed, a deferral is lifted. Nothing in force (already undone: a retry) changes nothing; CONFLICT when the
 * candidate never had a decision, or the merge cannot be undone (a later merge moved the same entities).
 */
export async function undoReviewTx(
  tx: ManagedTransaction,
  tenant: string,
  id: string,
  reviewer: Reviewer,
  guard: WriteGuard,
  stamp?: ReviewStamp | Pinned,
): Promise<{ change: ReviewChange; touched: string[] }> {
  const pinned = isReplay(stamp) ? stamp : undefined;
  const now = stamp?.at ?? Date.now();
  const locked = await lockVisible(tx, tenant, id, guard);
  if (!pinned) checkClaim(locked, reviewer);
  const status = String(locked.review.status);
  if (closedByEr.has(status)) throw new ConflictError(`review ${id} was settled by entity resolution (${status})`);
  const d = await currentDecision(tx, tenant, id);
  const inForce = d ? String(d.id) : null;
  // A replay undoes exactly its decision. A stamped call undoes only the one its journaled intent names; with none in
  // force it gets the retry answer below.
  if (stamp && (pinned || d) && inForce !== stamp.decisionId) {
    throw new ConflictError(`review ${id}: decision ${stamp.decisionId} is not the one in force; reload and retry`);
  }
  if (status === 'OPEN' || !d) {
    // A retry of an undo that committed: the last decision is undone already; its undo entry may still be owed.
    const last = await lastDecision(tx, tenant, id);
    if (last?.undoneAt == null) throw new ConflictError(`review ${id} has no decision to undo`);
    return { change: change(await reload(tx, tenant, id), false, last, last.undoAudited === false), touched: [] };
  }
  let touched: string[] = [];
  if (d.decision === 'ACCEPT' && d.mergeId != null) {
    const undone = await unmergeTx(tx, tenant, { mergeId: String(d.mergeId), actor: reviewer.subject, at: now }, guard);
    touched = undone.touched;
  } else {
    authorizePair(guard, locked);
    if (d.decision === 'REJECT') await tx.run(deleteNotSameCypher.cypher, { tenant, ...notSamePair(locked) });
  }
  await tx.run(markDecisionUndoneCypher.cypher, {
    tenant,
    id: String(d.id),
    reviewer: reviewer.subject,
    now: epochMs(now),
  });
  if (pinned?.audited) {
    await tx.run(markDecisionAuditedCypher.cypher, { tenant, id: String(d.id), field: 'undoAudited' });
  }
  await tx.run(setReviewStatusCypher.cypher, {
    tenant,
    id,
    status: 'OPEN',
    decision: null,
    decisionId: null,
    reviewer: reviewer.subject,
    mergeId: null,
    now: epochMs(now),
  });
  const undone = { ...d, undoneAt: epochMs(now), undoneBy: reviewer.subject };
  return { change: change(await reload(tx, tenant, id), true, undone, true), touched };
}

/** The candidate's latest decision, undone or not. */
async function lastDecision(tx: ManagedTransaction, tenant: string, id: string): Promise<Props | null> {
  const row = (await tx.run(reviewDetailCypher.cypher, { tenant, id })).records[0];
  return (row?.get('decisions') as Props[] | undefined)?.at(-1) ?? null;
}

/** Claims (or releases) a candidate for one reviewer; CONFLICT when another holds it or it is already decided. */
export async function claimReviewTx(
  tx: ManagedTransaction,
  tenant: string,
  id: string,
  reviewer: Reviewer,
  guard: WriteGuard,
  release: boolean,
  at = Date.now(),
): Promise<ReviewChange> {
  const locked = await lockVisible(tx, tenant, id, guard);
  authorizePair(guard, locked);
  checkClaim(locked, reviewer);
  const status = String(locked.review.status);
  const assignee = (locked.review.assignee as string | null | undefined) ?? null;
  const wanted = release ? null : reviewer.subject;
  if (assignee === wanted) return change(await reload(tx, tenant, id), false, null, false);
  if (!release && status !== 'OPEN' && status !== 'DEFERRED') {
    throw new ConflictError(`review ${id} is already ${status}`);
  }
  await tx.run(assignReviewCypher.cypher, { tenant, id, assignee: wanted, now: epochMs(at) });
  return change(await reload(tx, tenant, id), true, null, false);
}
