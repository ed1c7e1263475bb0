import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../core/audit/memory-ledger.js';
import { memoryReviewEventBus } from '../core/er/review/events-memory.js';
import type { ReviewChange, ReviewDetail, ReviewStore } from '../core/er/review/types.js';
import type { OriginContext } from './context.js';
import { reviewSubscriptionLimits, reviewSubscriptions } from './review-events.js';
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
    const stream = await reviewSubscriptions.reviewQueueChanged.subscribe({}, {}, ctx);

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

    expect(got.value?.reviewQueueChanged).toMatchObject({ reviewId: 'rv-seen', cursor: '2-0', review: shown });
    expect(asked).toHaveLength(2); // rv-hidden and rv-seen of t-1; t-2's event never reached this subscriber
    expect(asked[0]).not.toHaveLength(0);
    expect(after.done).toBe(true);
  });

  it('refuses a cursor it could not have handed out with INVALID_INPUT', async () => {
    const ctx = ctxWith({ reviews: {} as ReviewStore, reviewEvents: memoryReviewEventBus() });
    await expect(reviewSubscriptions.reviewQueueChanged.subscribe({}, { after: 'x; FLUSHALL' }, ctx)).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('refuses to replay more than its cap with REPLAY_TOO_LONG and a snapshot hint; a short resume replays', async () => {
    const bus = memoryReviewEventBus();
    const { maxReplay } = reviewSubscriptionLimits;
    await bus.publish(
      Array.from({ length: maxReplay + 1 }, (_, i) => ({
        tenant: 't-1',
        kind: 'CREATED' as const,
        reviewId: `rv-${i}`,
        status: 'OPEN' as const,
        committedAt: 0,
      })),
    );
    const reviews = { detail: async (_t: string, id: string) => ({ id, status: 'OPEN' }) } as unknown as ReviewStore;
    const client = new AbortController();
    const ctx = ctxWith({ reviews, reviewEvents: bus, signal: client.signal });

    const refused = reviewSubscriptions.reviewQueueChanged.subscribe({}, { after: '0-0' }, ctx);
    const resumed = await reviewSubscriptions.reviewQueueChanged.subscribe({}, { after: '1-0' }, ctx);
    const next = await resumed.next();
    client.abort();

    await expect(refused).rejects.toMatchObject({ extensions: { code: 'REPLAY_TOO_LONG', snapshot: 'reviewQueue' } });
    expect(next.value?.reviewQueueChanged.reviewId).toBe('rv-1');
  });

  it('holds each subject to its cap of open streams, and frees a slot when a stream ends', async () => {
    const bus = memoryReviewEventBus();
    const reviews = { detail: async () => null } as unknown as ReviewStore;
    const clients = Array.from({ length: reviewSubscriptionLimits.perSubject }, () => new AbortController());
    const open = (signal: AbortSignal, subject = 'ann') =>
      reviewSubscriptions.reviewQueueChanged.subscribe(
        {},
        {},
        ctxWith({ reviews, reviewEvents: bus, signal, subject }),
      );

    const streams = await Promise.all(clients.map((c) => open(c.signal)));
    const extra = open(new AbortController().signal);
    const otherPerson = await open(new AbortController().signal, 'bob');
    await expect(extra).rejects.toMatchObject({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } });
    // Ending one stream (its client went away) gives its slot back.
    const ended = streams[0]!.next();
    clients[0]!.abort();
    await ended;
    const again = await open(new AbortController().signal);

    expect(otherPerson).toBeDefined();
    expect(again).toBeDefined();
  });

  it('ends a stream at its lifetime cap, and with POLICY_DENIED once a recheck finds the caller sees no reviews', async () => {
    const saved = { ...reviewSubscriptionLimits };
    Object.assign(reviewSubscriptionLimits, { maxLifetimeMs: 30, recheckMs: 10 });
    try {
      const bus = memoryReviewEventBus(1);
      const reviews = { detail: async () => null } as unknown as ReviewStore;
      const seesAll = { evaluate: () => ({ classes: ['entity'], purposes: [] }) };
      const seesNothing = { evaluate: () => ({ classes: [], purposes: [] }) };
      const policy = (engine: object) => ({ policy: engine }) as unknown as Partial<OriginContext>;

      const lived = await reviewSubscriptions.reviewQueueChanged.subscribe(
        {},
        {},
        ctxWith({ reviews, reviewEvents: bus, ...policy(seesAll) }),
      );
      const revoked = await reviewSubscriptions.reviewQueueChanged.subscribe(
        {},
        {},
        ctxWith({ reviews, reviewEvents: bus, subject: 'bob', ...policy(seesNothing) }),
      );

      expect((await lived.next()).done).toBe(true);
      await expect(revoked.next()).rejects.toMatchObject({ extensions: { code: 'POLICY_DENIED' } });
    } finally {
      Object.assign(reviewSubscriptionLimits, saved);
    }
  });
});
