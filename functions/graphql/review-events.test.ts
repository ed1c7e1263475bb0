import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../core/audit/memory-ledger.js';
import { memoryReviewEventBus } from '../core/er/review/events-memory.js';
import type { ReviewChange, ReviewDetail, ReviewStore } from '../core/er/review/types.js';
import type { OriginContext } from './context.js';
import { reviewSubscriptions } from './review-events.js';
import { reviewResolvers } from './reviews.js';

const change: ReviewChange = {
  review: { id: 'rv-1', status: 'REJECTED', probability: 0.8 } as ReviewChange['review'],
  changed: true,
  decision: {
    id: 'd-1',
    decision: 'REJECT',
    reason: 'not the same',
    reviewer: 'ann',
    sessionId: null,
    stepUpChallengeId: null,
    mergeId: null,
    at: new Date(0).toISOString(),
    undoneAt: null,
    undoneBy: null,
    auditOwed: true,
  },
  probability: 0.8,
  modelVersion: 'fs-test',
};

/** A ledger whose every append fails. */
class DownLedger extends MemoryAuditLedger {
  override async append(): Promise<never> {
    throw new Error('ledger unavailable');
  }
}

const ctxWith = (over: Partial<OriginContext>) =>
  ({
    tenant: 't-1',
    subject: 'ann',
    claims: { tenant: 't-1', subject: 'ann', attributes: {} },
    scope: { classes: ['entity'], purposes: [], fingerprint: 'f' },
    operation: undefined,
    recordWrite: async () => undefined,
    ...over,
  }) as unknown as OriginContext;

describe('live review queue events', () => {
  it('announces a committed decision even when its ledger append failed (the retry changes nothing to announce)', async () => {
    const bus = memoryReviewEventBus();
    const reviews = { decide: async () => ({ value: change, touched: [], bookmarks: [] }) } as unknown as ReviewStore;
    const ctx = ctxWith({ reviews, reviewEvents: bus, ledger: new DownLedger() });

    await expect(
      reviewResolvers.Mutation.decideReviews({}, { ids: ['rv-1'], decision: 'REJECT', reason: 'no' }, ctx),
    ).rejects.toThrow('ledger unavailable');

    expect(bus.published).toMatchObject([{ tenant: 't-1', kind: 'DECIDED', reviewId: 'rv-1', status: 'REJECTED' }]);
  });

  it("streams only events of candidates the caller's store read shows, and stops when the client goes away", async () => {
    const bus = memoryReviewEventBus(1);
    const shown = { id: 'rv-seen', status: 'OPEN' } as ReviewDetail;
    const asked: string[][] = [];
    const reviews = {
      detail: async (_t: string, id: string, classes: string[]) => {
        asked.push(classes);
        return id === 'rv-seen' ? shown : null;
      },
    } as unknown as ReviewStore;
    const client = new AbortController();
    const ctx = ctxWith({ reviews, reviewEvents: bus, signal: client.signal });
    const stream = reviewSubscriptions.reviewQueueChanged.subscribe({}, {}, ctx);

    const first = stream.next();
    const event = (reviewId: string) => ({
      kind: 'CREATED' as const,
      reviewId,
      status: 'OPEN' as const,
      committedAt: 0,
    });
    await bus.publish([
      { tenant: 't-1', ...event('rv-hidden') },
      { tenant: 't-2', ...event('rv-seen') },
      { tenant: 't-1', ...event('rv-seen') },
    ]);
    const got = await first;
    client.abort();
    const after = await stream.next();

    expect(got.value?.reviewQueueChanged).toMatchObject({ reviewId: 'rv-seen', cursor: '2', review: shown });
    expect(asked).toHaveLength(2); // rv-hidden and rv-seen of t-1; t-2's event never reached this subscriber
    expect(asked[0]).not.toHaveLength(0);
    expect(after.done).toBe(true);
  });

  it('refuses a cursor it could not have handed out with INVALID_INPUT', () => {
    const ctx = ctxWith({ reviews: {} as ReviewStore, reviewEvents: memoryReviewEventBus() });
    expect(() => reviewSubscriptions.reviewQueueChanged.subscribe({}, { after: 'x; FLUSHALL' }, ctx)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
