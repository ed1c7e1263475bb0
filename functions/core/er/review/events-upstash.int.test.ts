import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../../infra/local/test-support/twin.js';
import type { ReviewEvent } from './events.js';
import { upstashReviewEventBus } from './events-upstash.js';

const t = twin();
const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });
const event = (tenant: string, i: number): ReviewEvent => ({
  tenant,
  kind: 'CREATED',
  reviewId: `rv-${i}`,
  status: 'OPEN',
  committedAt: Date.now(),
});

describe('review events on Redis streams through Upstash REST', () => {
  it('counts the events after a cursor up to limit + 1, per tenant', async () => {
    const [tenant, other] = [testTenant('ev-count'), testTenant('ev-count-other')];
    const bus = upstashReviewEventBus(redis);
    await bus.publish([event(tenant, 0)]);
    const stop = new AbortController();
    const stream = bus.subscribe(tenant, { after: '0-0', signal: stop.signal })[Symbol.asyncIterator]();
    const first = (await stream.next()).value!;
    stop.abort();
    await bus.publish(Array.from({ length: 12 }, (_, i) => event(tenant, i + 1)));
    await bus.publish([event(other, 99)]);

    expect(await bus.countAfter(tenant, first.cursor, 20)).toBe(12);
    expect(await bus.countAfter(tenant, first.cursor, 5)).toBe(6);
    expect(await bus.countAfter(tenant, '0-0', 100)).toBe(13);
  });

  it('gives a subject at most cap slots across buses, renews a held one, and frees released and run-out slots', async () => {
    const tenant = testTenant('ev-lease');
    const [a, b] = [upstashReviewEventBus(redis), upstashReviewEventBus(redis)];
    const opts = { cap: 2, ttlMs: 60_000 };

    const taken = [await a.lease(tenant, 'ann', 's1', opts), await b.lease(tenant, 'ann', 's2', opts)];
    const third = await a.lease(tenant, 'ann', 's3', opts);
    const renewed = await b.lease(tenant, 'ann', 's2', opts);
    const otherSubject = await a.lease(tenant, 'bob', 's4', opts);
    await a.release(tenant, 'ann', 's1');
    const afterRelease = await b.lease(tenant, 'ann', 's5', opts);
    await a.lease(tenant, 'cy', 'short', { cap: 1, ttlMs: 50 });
    await new Promise((r) => setTimeout(r, 120));
    const afterRunOut = await a.lease(tenant, 'cy', 'next', { cap: 1, ttlMs: 60_000 });

    expect(taken).toEqual([true, true]);
    expect(third).toBe(false);
    expect(renewed).toBe(true);
    expect(otherSubject).toBe(true);
    expect(afterRelease).toBe(true);
    expect(afterRunOut).toBe(true);
  });

  it('delivers an event to a subscription of a busy queue within a few poll intervals', async () => {
    const tenant = testTenant('ev-latency');
    const bus = upstashReviewEventBus(redis, { pollMs: 20, idlePollMs: 200 });
    const stop = new AbortController();
    const stream = bus.subscribe(tenant, { signal: stop.signal })[Symbol.asyncIterator]();
    const pending = stream.next();
    await new Promise((r) => setTimeout(r, 100));
    const sent = Date.now();
    await bus.publish([event(tenant, 1)]);
    const got = await pending;
    const took = Date.now() - sent;
    stop.abort();

    expect(got.value?.reviewId).toBe('rv-1');
    // Busy (the subscription opened < activeMs ago): reads every 20 ms; generous for a shared machine.
    expect(took).toBeLessThan(1_000);
  });
});
