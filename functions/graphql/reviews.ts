/**
 * The review queue (ER adjudication) resolvers. Reads list only candidates whose two entities the caller may both see.
 * Bulk writes run one transaction per id under the caller's write guard and report every id (all-or-report): one
 * failing id never undoes or hides another. Every decision and every undo is appended to the audit ledger with band,
 * probability, reviewer, session and step-up challenge; a retry that finds the decision in force appends only an entry
 * the first call still owed. Each decision and undo is journaled ahead (core/journal/intent.ts) — its intent, with the
 * decision id, merge id and time fixed before the transaction, then its outcome — so a graph restored from a backup
 * gets it back by replay, exactly once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LedgerUnavailableError } from '../core/audit/errors.js';
import type { AuditLedger } from '../core/audit/types.js';
import type {
  ReviewChange,
  ReviewDecisionKind,
  ReviewDetail,
  Reviewer,
  ReviewFilter,
  ReviewItem,
  ReviewOrder,
  ReviewStamp,
  ReviewStore,
} from '../core/er/review/types.js';
import { InvalidInputError } from '../core/graph/errors.js';
import type { WriteGuard, WriteResult } from '../core/graph/types.js';
import type { JournaledClaim, JournaledDecision, JournaledUndo } from '../core/journal/types.js';
import type { OriginContext } from './context.js';
import { clientError } from './errors.js';
import { journaled } from './journal.js';
import { announce, changeEvent } from './review-events.js';
import { visibleClasses } from './visibility.js';
import { guardedWrite } from './write-guard.js';

/** Every candidate is a MID-band pair: HIGH merges and LOW creates without asking anyone. */
const reviewBand = 'MID';
const maxIds = 100;

const idsSchema = z.array(z.string()).min(1).max(maxIds, `at most ${maxIds} ids per call`);
const reasonSchema = z.string().trim().min(1, 'give the reason for the decision').max(500);

type Outcome = 'DONE' | 'UNCHANGED' | 'CONFLICT' | 'NOT_FOUND' | 'POLICY_DENIED' | 'INVALID_INPUT' | 'FAILED';
const reportedCodes = new Set<string>(['CONFLICT', 'NOT_FOUND', 'POLICY_DENIED', 'INVALID_INPUT']);

interface ReviewOutcome {
  id: string;
  outcome: Outcome;
  message: string | null;
  review: ReviewItem | null;
  decisionId: string | null;
  mergeId: string | null;
}

function storeOf(ctx: OriginContext): ReviewStore {
  if (!ctx.reviews) throw clientError('REVIEWS_UNAVAILABLE', 'the review queue is not configured on this origin');
  return ctx.reviews;
}

/** Decisions must never go unaudited: refused before anything is read when the origin has no ledger. */
function ledgerOf(ctx: OriginContext): AuditLedger {
  if (!ctx.ledger) throw new LedgerUnavailableError('review decisions');
  return ctx.ledger;
}

function parseIds(ids: readonly string[]): string[] {
  const parsed = idsSchema.safeParse(ids);
  if (!parsed.success) throw new InvalidInputError(`invalid ids: ${z.prettifyError(parsed.error)}`);
  return [...new Set(parsed.data)];
}

function reviewerOf(ctx: OriginContext): Reviewer {
  return {
    subject: ctx.subject,
    sessionId: ctx.claims.sessionId ?? null,
    stepUpChallengeId: ctx.stepUpChallengeId ?? null,
  };
}

/**
 * A failed id as its outcome: coded domain errors as they are, anything else masked as FAILED (retry is safe). A
 * write that committed but could not be journaled as such (WRITE_IN_DOUBT) is FAILED with its own message: a retry
 * finds it made.
 */
function failed(id: string, err: unknown): ReviewOutcome {
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' && reportedCodes.has(code);
  const inDoubt = code === 'WRITE_IN_DOUBT';
  return {
    id,
    outcome: known ? (code as Outcome) : 'FAILED',
    message: known || inDoubt ? (err as Error).message : 'not written because of an unexpected error; retrying is safe',
    review: null,
    decisionId: null,
    mergeId: null,
  };
}

function succeeded(id: string, c: ReviewChange): ReviewOutcome {
  return {
    id,
    outcome: c.changed ? 'DONE' : 'UNCHANGED',
    message: null,
    review: c.review,
    decisionId: c.decision?.id ?? null,
    mergeId: c.decision?.mergeId ?? null,
  };
}

const batch = (outcomes: ReviewOutcome[]) => {
  const ok = outcomes.filter((o) => o.outcome === 'DONE' || o.outcome === 'UNCHANGED').length;
  return { outcomes, succeeded: ok, failed: outcomes.length - ok };
};

/** Appends a decision's (or its undo's) entry when owed, then marks it appended. */
async function audit(ctx: OriginContext, kind: 'decision' | 'undo', c: ReviewChange): Promise<void> {
  const d = c.decision;
  if (!d || !c.decision?.auditOwed) return;
  await ledgerOf(ctx).append(ctx.tenant, {
    kind: `er.review.${kind}`,
    actor: kind === 'decision' ? d.reviewer : (d.undoneBy ?? ctx.subject),
    subject: c.review.id,
    data: {
      decisionId: d.id,
      decision: d.decision,
      band: reviewBand,
      probability: c.probability,
      modelVersion: c.modelVersion,
      reason: d.reason,
      reviewer: kind === 'decision' ? d.reviewer : (d.undoneBy ?? ctx.subject),
      // The session and ceremony of the call that made this change (a retry reports the original call's decision).
      sessionId: kind === 'decision' ? d.sessionId : (ctx.claims.sessionId ?? null),
      stepUpChallengeId: kind === 'decision' ? d.stepUpChallengeId : (ctx.stepUpChallengeId ?? null),
      mergeId: d.mergeId,
      entityId: c.review.entity?.id ?? null,
      candidateId: c.review.candidate?.id ?? null,
      operation: ctx.operation?.name ?? 'arbitrary',
    },
  });
  await storeOf(ctx).markAudited(ctx.tenant, d.id, kind === 'decision' ? 'audited' : 'undoAudited');
}

/** Runs one id's (journaled) write under a fresh guard, announces and audits it, and reports it; never throws for that id. */
async function oneWrite(
  ctx: OriginContext,
  id: string,
  kind: 'decision' | 'undo',
  write: Parameters<typeof guardedWrite<ReviewChange>>[1],
): Promise<ReviewOutcome> {
  let change: ReviewChange;
  try {
    change = (await guardedWrite(ctx, write)).value;
  } catch (err) {
    return failed(id, err);
  }
  // After the commit (and its journaled outcome): live queues first (a retry finds the change made and would announce
  // nothing); then the ledger: a failed append leaves the entry owed, and a retry appends it.
  await announce(ctx, [changeEvent(ctx, kind, change)]);
  await audit(ctx, kind, change);
  return succeeded(id, change);
}

const asWrite = (r: ReviewChange): WriteResult<ReviewChange> => ({ value: r, touched: [], bookmarks: [] });
const changed = (r: WriteResult<ReviewChange>) => r.value.changed;

/**
 * The decision in force an undo of candidate `id` must find: read before its intent is journaled, since the intent
 * names it; the transaction refuses (CONFLICT) if another is in force by then. Null when there is none (a retry of an
 * undo, or nothing to undo): the call then cannot change anything and is not journaled.
 */
async function decisionInForce(ctx: OriginContext, id: string): Promise<string | null> {
  const detail = await storeOf(ctx).detail(ctx.tenant, id, visibleClasses(ctx));
  const last = detail?.decisions.at(-1);
  return detail && detail.status !== 'OPEN' && last && last.undoneAt == null ? last.id : null;
}

export const reviewResolvers = {
  Query: {
    async reviewQueue(
      _: unknown,
      args: { filter?: ReviewFilter | null; orderBy: ReviewOrder; first: number; after?: string | null },
      ctx: OriginContext,
    ) {
      return storeOf(ctx).queue(ctx.tenant, { ...args, dataClasses: visibleClasses(ctx) });
    },
    async reviewCandidate(_: unknown, args: { id: string }, ctx: OriginContext): Promise<ReviewDetail | null> {
      return storeOf(ctx).detail(ctx.tenant, args.id, visibleClasses(ctx));
    },
  },
  Mutation: {
    async claimReviews(_: unknown, args: { ids: string[]; release: boolean }, ctx: OriginContext) {
      const store = storeOf(ctx);
      const reviewer = reviewerOf(ctx);
      const outcomes: ReviewOutcome[] = [];
      for (const id of parseIds(args.ids)) {
        try {
          // Journaled ahead like every origin write (a claim is an accepted write: restored, a reviewer keeps it).
          const claim = { reviewId: id, reviewer: reviewer.subject, release: args.release, at: Date.now() };
          const done = await guardedWrite(ctx, async (guard) =>
            asWrite(
              await journaled(ctx, 'claimReview', claim satisfies JournaledClaim, () =>
                store.claim(ctx.tenant, id, reviewer, guard, args.release, claim.at),
              ),
            ),
          );
          outcomes.push(succeeded(id, done.value));
          await announce(ctx, [changeEvent(ctx, args.release ? 'release' : 'claim', done.value)]);
        } catch (err) {
          outcomes.push(failed(id, err));
        }
      }
      return batch(outcomes);
    },
    async decideReviews(
      _: unknown,
      args: { ids: string[]; decision: ReviewDecisionKind; reason: string },
      ctx: OriginContext,
    ) {
      const store = storeOf(ctx);
      ledgerOf(ctx);
      const ids = parseIds(args.ids);
      const reason = reasonSchema.safeParse(args.reason);
      if (!reason.success) throw new InvalidInputError(`invalid reason: ${z.prettifyError(reason.error)}`);
      const input = { decision: args.decision, reason: reason.data, reviewer: reviewerOf(ctx) };
      // One at a time, in the order given: a merge moves relationships, and two at once on one entity would conflict.
      const outcomes: ReviewOutcome[] = [];
      for (const id of ids) {
        // The ids and time the transaction writes, fixed in the intent so a replay writes the same. A retry that finds
        // the decision in force writes none of them (its outcome is `unchanged`).
        const mergeId = args.decision === 'ACCEPT' ? randomUUID() : null;
        const stamp = { decisionId: randomUUID(), mergeId, at: Date.now() } satisfies ReviewStamp;
        const intent: JournaledDecision = { reviewId: id, ...input, ...stamp };
        const write = (guard: WriteGuard) =>
          journaled(ctx, 'decideReview', intent, () => store.decide(ctx.tenant, id, input, guard, stamp), changed);
        outcomes.push(await oneWrite(ctx, id, 'decision', write));
      }
      return batch(outcomes);
    },
    async undoDecision(_: unknown, args: { id: string }, ctx: OriginContext) {
      const store = storeOf(ctx);
      ledgerOf(ctx);
      const [id] = parseIds([args.id]);
      const reviewer = reviewerOf(ctx);
      return oneWrite(ctx, id!, 'undo', async (guard) => {
        const stamp = { decisionId: await decisionInForce(ctx, id!), mergeId: null, at: Date.now() };
        const undo = () => store.undo(ctx.tenant, id!, reviewer, guard, stamp);
        if (stamp.decisionId === null) return undo();
        const intent: JournaledUndo = {
          reviewId: id!,
          decisionId: stamp.decisionId,
          actor: reviewer.subject,
          at: stamp.at,
        };
        return journaled(ctx, 'undoReviewDecision', intent, undo, changed);
      });
    },
  },
  ReviewCandidate: {
    band: () => reviewBand,
    explanation: (r: Partial<ReviewDetail>) => r.explanation ?? null,
    decisions: (r: Partial<ReviewDetail>) => r.decisions ?? [],
  },
};
