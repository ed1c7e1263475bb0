import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../core/audit/memory-ledger.js';
import type { ReviewChange, ReviewStamp, ReviewStore } from '../core/er/review/types.js';
import { MemoryWriteJournal } from '../core/journal/memory-journal.js';
import type { OriginContext } from './context.js';
import { reviewResolvers } from './reviews.js';

/**
 * A one-candidate store that keeps the first decision (written under the caller's stamp, as the graph does), answers a
 * retry with it unchanged, and remembers whether its ledger entry was appended; an undo reopens the candidate.
 */
function oneReviewStore() {
  let decision: { id: string; mergeId: string | null; at: number; undoneAt: number | null } | null = null;
  let audited = false;
  const stamps: (ReviewStamp | undefined)[] = [];
  const change = (changed: boolean): ReviewChange => ({
    review: {
      id: 'rv-1',
      status: decision?.undoneAt ? 'OPEN' : 'ACCEPTED',
      probability: 0.8,
    } as ReviewChange['review'],
    changed,
    decision: decision && {
      id: decision.id,
      decision: 'ACCEPT',
      reason: 'same',
      reviewer: 'ann',
      sessionId: 'sess-ann',
      stepUpChallengeId: 'ch-1',
      mergeId: decision.mergeId,
      at: new Date(decision.at).toISOString(),
      undoneAt: decision.undoneAt ? new Date(decision.undoneAt).toISOString() : null,
      undoneBy: decision.undoneAt ? 'ann' : null,
      auditOwed: !audited,
    },
    probability: 0.8,
    modelVersion: 'fs-test',
  });
  const store = {
    async decide(_t: string, _id: string, _input: unknown, _guard: unknown, stamp?: ReviewStamp) {
      stamps.push(stamp);
      const first = decision === null;
      decision ??= { id: stamp!.decisionId!, mergeId: stamp!.mergeId, at: stamp!.at, undoneAt: null };
      return { value: change(first), touched: [], bookmarks: [] };
    },
    async detail() {
      const c = change(false);
      return { ...c.review, explanation: null, decisions: c.decision ? [c.decision] : [] };
    },
    async undo(_t: string, _id: string, _reviewer: unknown, _guard: unknown, stamp?: ReviewStamp) {
      stamps.push(stamp);
      if (decision?.undoneAt != null) return { value: change(false), touched: [], bookmarks: [] };
      decision = { ...decision!, undoneAt: stamp!.at };
      audited = false;
      return { value: change(true), touched: [], bookmarks: [] };
    },
    async markAudited() {
      audited = true;
    },
  } as unknown as ReviewStore;
  return { store, stamps };
}

/** The ledger of the twin fails now and then; this one fails its first append. */
class FlakyLedger extends MemoryAuditLedger {
  failures = 1;
  override async append(...args: Parameters<MemoryAuditLedger['append']>) {
    if (this.failures-- > 0) throw new Error('ledger unavailable');
    return super.append(...args);
  }
}

const ctxWith = (reviews: ReviewStore, ledger: MemoryAuditLedger, journal?: MemoryWriteJournal) =>
  ({
    journal,
    tenant: 't-1',
    subject: 'ann',
    claims: { tenant: 't-1', subject: 'ann', attributes: {}, sessionId: 'sess-ann' },
    reviews,
    ledger,
    stepUpChallengeId: 'ch-1',
    scope: { classes: ['public', 'entity'] },
    operation: undefined,
    recordWrite: async () => undefined,
  }) as unknown as OriginContext;

describe('decideReviews auditing', () => {
  it('appends on a retry the entry a first call committed but could not append, and only once', async () => {
    const ledger = new FlakyLedger();
    const { store, stamps } = oneReviewStore();
    const ctx = ctxWith(store, ledger);
    const args = { ids: ['rv-1'], decision: 'ACCEPT' as const, reason: 'same' };

    const first = reviewResolvers.Mutation.decideReviews({}, args, ctx);
    await expect(first).rejects.toThrow('ledger unavailable');
    const retry = await reviewResolvers.Mutation.decideReviews({}, args, ctx);
    const again = await reviewResolvers.Mutation.decideReviews({}, args, ctx);

    expect(retry.outcomes.map((o) => o.outcome)).toEqual(['UNCHANGED']);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['UNCHANGED']);
    const entries = [];
    for await (const e of ledger.read('t-1')) entries.push(e);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'er.review.decision',
      actor: 'ann',
      subject: 'rv-1',
      data: {
        decisionId: stamps[0]!.decisionId,
        mergeId: stamps[0]!.mergeId,
        band: 'MID',
        probability: 0.8,
        sessionId: 'sess-ann',
        stepUpChallengeId: 'ch-1',
      },
    });
  });
});

const outcomesOf = (journal: MemoryWriteJournal) =>
  journal.entries.map((e) => (e.payload.kind === 'outcome' ? e.payload.outcome : e.payload.kind));

describe('review decisions and undos are journaled ahead', () => {
  it('journals the intent with the ids the transaction writes before it, then `committed`; a retry is `unchanged`', async () => {
    const ledger = new FlakyLedger();
    const journal = new MemoryWriteJournal();
    const { store, stamps } = oneReviewStore();
    const ctx = ctxWith(store, ledger, journal);
    const args = { ids: ['rv-1'], decision: 'ACCEPT' as const, reason: 'same' };

    await expect(reviewResolvers.Mutation.decideReviews({}, args, ctx)).rejects.toThrow('ledger unavailable');
    const retry = await reviewResolvers.Mutation.decideReviews({}, args, ctx);

    expect(outcomesOf(journal)).toEqual(['graphql', 'committed', 'graphql', 'unchanged']);
    const [first] = stamps;
    expect(first).toEqual({ decisionId: expect.any(String), mergeId: expect.any(String), at: expect.any(Number) });
    expect(journal.entries[0]).toMatchObject({
      tenant: 't-1',
      payload: {
        kind: 'graphql',
        operation: 'decideReview',
        input: {
          reviewId: 'rv-1',
          decision: 'ACCEPT',
          reason: 'same',
          reviewer: { subject: 'ann', sessionId: 'sess-ann', stepUpChallengeId: 'ch-1' },
          ...first,
        },
      },
    });
    // The retry's own intent carries fresh ids; the answer names the decision the first call made.
    expect(stamps[1]!.decisionId).not.toBe(first!.decisionId);
    expect(retry.outcomes[0]).toMatchObject({ outcome: 'UNCHANGED', decisionId: first!.decisionId });
  });

  it('reports a decision whose outcome could not be journaled as FAILED, saying it may have been applied', async () => {
    const journal = new MemoryWriteJournal();
    const { store } = oneReviewStore();
    const ctx = ctxWith(store, new MemoryAuditLedger(), journal);
    const append = journal.append.bind(journal);
    journal.append = async (tenant, payloads) => {
      if (payloads.some((p) => p.kind === 'outcome')) throw new Error('injected: journal unreachable');
      return append(tenant, payloads);
    };

    const res = await reviewResolvers.Mutation.decideReviews(
      {},
      { ids: ['rv-1'], decision: 'ACCEPT', reason: 'x' },
      ctx,
    );

    expect(res.outcomes[0]).toMatchObject({ outcome: 'FAILED', message: expect.stringContaining('may have been') });
  });

  it('journals an undo naming the decision in force, and nothing for an undo with none in force', async () => {
    const journal = new MemoryWriteJournal();
    const { store, stamps } = oneReviewStore();
    const ctx = ctxWith(store, new MemoryAuditLedger(), journal);
    await reviewResolvers.Mutation.decideReviews({}, { ids: ['rv-1'], decision: 'ACCEPT', reason: 'same' }, ctx);
    const decisionId = stamps[0]!.decisionId;

    const undone = await reviewResolvers.Mutation.undoDecision({}, { id: 'rv-1' }, ctx);
    const again = await reviewResolvers.Mutation.undoDecision({}, { id: 'rv-1' }, ctx);

    expect([undone.outcome, again.outcome]).toEqual(['DONE', 'UNCHANGED']);
    expect(stamps.slice(1).map((s) => s?.decisionId)).toEqual([decisionId, null]);
    expect(outcomesOf(journal)).toEqual(['graphql', 'committed', 'graphql', 'committed']);
    expect(journal.entries[2]!.payload).toMatchObject({
      operation: 'undoReviewDecision',
      input: { reviewId: 'rv-1', decisionId, actor: 'ann', at: stamps[1]!.at },
    });
  });
});
