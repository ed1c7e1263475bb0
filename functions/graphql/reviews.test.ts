import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../core/audit/memory-ledger.js';
import type { ReviewChange, ReviewStore } from '../core/er/review/types.js';
import { MemoryWriteJournal } from '../core/journal/memory-journal.js';
import type { OriginContext } from './context.js';
import { reviewResolvers } from './reviews.js';

/** A one-candidate store that remembers whether its decision's ledger entry was appended (as the graph does). */
function oneReviewStore() {
  let decided = false;
  let audited = false;
  const change = (changed: boolean): ReviewChange => ({
    review: { id: 'rv-1', status: 'ACCEPTED', probability: 0.8 } as ReviewChange['review'],
    changed,
    decision: {
      id: 'd-1',
      decision: 'ACCEPT',
      reason: 'same',
      reviewer: 'ann',
      sessionId: 'sess-ann',
      stepUpChallengeId: 'ch-1',
      mergeId: 'm-1',
      at: new Date(0).toISOString(),
      undoneAt: null,
      undoneBy: null,
      auditOwed: !audited,
    },
    probability: 0.8,
    modelVersion: 'fs-test',
  });
  const store = {
    async decide() {
      const first = !decided;
      decided = true;
      return { value: change(first), touched: [], bookmarks: [] };
    },
    async markAudited() {
      audited = true;
    },
  } as unknown as ReviewStore;
  return store;
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
    operation: undefined,
    recordWrite: async () => undefined,
  }) as unknown as OriginContext;

describe('decideReviews auditing', () => {
  it('appends on a retry the entry a first call committed but could not append, and only once', async () => {
    const ledger = new FlakyLedger();
    const ctx = ctxWith(oneReviewStore(), ledger);
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
      data: { decisionId: 'd-1', band: 'MID', probability: 0.8, sessionId: 'sess-ann', stepUpChallengeId: 'ch-1' },
    });
  });
});

describe('decideReviews journaling', () => {
  it('journals a committed decision under its decision and merge id, again on a retry that owed its entry, then not', async () => {
    const ledger = new FlakyLedger();
    const journal = new MemoryWriteJournal();
    const ctx = ctxWith(oneReviewStore(), ledger, journal);
    const args = { ids: ['rv-1'], decision: 'ACCEPT' as const, reason: 'same' };

    await expect(reviewResolvers.Mutation.decideReviews({}, args, ctx)).rejects.toThrow('ledger unavailable');
    const afterFailedAudit = journal.entries.length;
    await reviewResolvers.Mutation.decideReviews({}, args, ctx);
    const afterRetry = journal.entries.length;
    await reviewResolvers.Mutation.decideReviews({}, args, ctx);

    // Journaled before the audit failed; the retry that appended the owed entry journals again; once audited, not.
    expect([afterFailedAudit, afterRetry, journal.entries.length]).toEqual([1, 2, 2]);
    expect(journal.entries[0]).toMatchObject({
      tenant: 't-1',
      payload: {
        kind: 'graphql',
        operation: 'decideReview',
        input: {
          reviewId: 'rv-1',
          decisionId: 'd-1',
          decision: 'ACCEPT',
          reason: 'same',
          reviewer: { subject: 'ann', sessionId: 'sess-ann', stepUpChallengeId: 'ch-1' },
          mergeId: 'm-1',
          at: 0,
        },
      },
    });
  });
});
