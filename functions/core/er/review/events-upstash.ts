/**
 * The review event bus on Redis Streams through Upstash REST: one stream per tenant (`gg:review-events:<tenant>`),
 * appended with XADD by whoever committed the change (the ER worker, the origin's review mutations) and read with
 * non-blocking XREAD by each live subscription.
 *
 * Why a stream and not pub/sub: the producers and the origin are separate processes (Lambdas in AWS) that already
 * share this store; a stream keeps the last events, so a subscriber that reconnects resumes after its cursor instead
 * of losing what happened meanwhile, and XREAD works over plain REST (Upstash's SUBSCRIBE needs a held connection per
 * channel, and XREAD's BLOCK is not supported over Upstash REST — @upstash/redis marks `blockMS` so). The price is a
 * poll per subscription: every `pollMs` while the tenant's queue is busy (an event within `activeMs`), then backing
 * off by doubling to `idlePollMs` — ~25 small commands a second while busy, ~4 when idle, at the defaults. The first
 * event after a quiet spell waits up to `idlePollMs`; events of a busy queue up to `pollMs`.
 */
import type { Redis } from '@upstash/redis';
import { parseTenant } from '../../graph/validation.js';
import { pause, type ReviewEventBus, type ReviewEventKind, type SeenReviewEvent } from './events.js';
import type { ReviewStatus } from './types.js';

export interface UpstashReviewEventsOptions {
  /** How long a subscription of a busy queue waits between reads. @default 40 */
  pollMs?: number;
  /** Longest wait between reads once the queue has been quiet for `activeMs` (the backoff's ceiling). @default 250 */
  idlePollMs?: number;
  /** How long after an event the queue counts as busy. @default 10000 */
  activeMs?: number;
  /** Events kept per tenant (approximate trim). @default 10000 */
  maxLen?: number;
  /** Seconds a tenant's stream lives after its last event. @default 7 days */
  ttlS?: number;
  /** Events read per call at most. @default 100 */
  batch?: number;
}

/** The stream key of a tenant's review events. */
export const reviewEventsKey = (tenant: string) => `gg:review-events:${parseTenant(tenant)}`;

/** The sorted set of a subject's live-subscription slots (member: subscription id, score: when it runs out). */
export const reviewSubscriptionsKey = (tenant: string, subject: string) =>
  `gg:review-subs:${parseTenant(tenant)}:${subject}`;

type Entry = [id: string, fields: unknown[]];

/** Entries of one stream from an XREAD reply (`[[key, [[id, [field, value, …]], …]]]` or null). */
function entriesOf(reply: unknown): Entry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first = reply[0] as [string, Entry[]] | undefined;
  return Array.isArray(first?.[1]) ? first[1] : [];
}

function toEvent([id, fields]: Entry): SeenReviewEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[String(fields[i])] = String(fields[i + 1]);
  return {
    cursor: id,
    kind: f.kind as ReviewEventKind,
    reviewId: String(f.reviewId),
    status: f.status as ReviewStatus,
    committedAt: Number(f.committedAt),
  };
}

/** Stream ids are `<ms>-<seq>`; anything else is refused before it reaches Redis. */
const streamId = /^\d{1,15}-\d{1,10}$/;

/** Whether a client's `after` is a cursor this bus could have handed out. */
export const isReviewEventCursor = (cursor: string): boolean => streamId.test(cursor);

export function upstashReviewEventBus(redis: Redis, options: UpstashReviewEventsOptions = {}): ReviewEventBus {
  const pollMs = options.pollMs ?? 40;
  const idlePollMs = Math.max(pollMs, options.idlePollMs ?? 250);
  const activeMs = options.activeMs ?? 10_000;
  const maxLen = options.maxLen ?? 10_000;
  const ttlS = options.ttlS ?? 7 * 24 * 3600;
  const batch = options.batch ?? 100;

  /** The id of the newest event of the stream, or 0-0 when it is empty. */
  async function lastId(key: string): Promise<string> {
    const newest = await redis.xrevrange(key, '+', '-', 1);
    return Object.keys(newest ?? {})[0] ?? '0-0';
  }

  return {
    async publish(events) {
      const p = redis.pipeline();
      const keys = new Set<string>();
      for (const e of events) {
        const key = reviewEventsKey(e.tenant);
        keys.add(key);
        p.xadd(
          key,
          '*',
          { kind: e.kind, reviewId: e.reviewId, status: e.status, committedAt: String(e.committedAt) },
          { trim: { type: 'MAXLEN', threshold: maxLen, comparison: '~' } },
        );
      }
      for (const key of keys) p.expire(key, ttlS);
      await p.exec();
    },
    async *subscribe(tenant, { after, signal }) {
      const key = reviewEventsKey(tenant);
      let cursor = after && streamId.test(after) ? after : await lastId(key);
      let lastEventAt = Date.now();
      let wait = pollMs;
      while (!signal.aborted) {
        const entries = entriesOf(await redis.xread(key, cursor, { count: batch }));
        for (const entry of entries) {
          cursor = entry[0];
          yield toEvent(entry);
        }
        if (entries.length > 0) [lastEventAt, wait] = [Date.now(), pollMs];
        else if (Date.now() - lastEventAt > activeMs) wait = Math.min(wait * 2, idlePollMs);
        // A full batch means more are waiting: read again at once.
        if (entries.length < batch) await pause(wait, signal);
      }
    },
    async countAfter(tenant, after, limit) {
      if (!streamId.test(after)) return 0;
      const entries = await redis.xrange(reviewEventsKey(tenant), `(${after}`, '+', limit + 1);
      return Object.keys(entries ?? {}).length;
    },
    async lease(tenant, subject, id, { cap, ttlMs }) {
      const key = reviewSubscriptionsKey(tenant, subject);
      const now = Date.now();
      // One transaction: drop slots that ran out, take or renew this one, count. Over the cap, give it back (a
      // renewal is never over: its own slot was counted before).
      const [, added, held] = (await redis
        .multi()
        .zremrangebyscore(key, 0, now)
        .zadd(key, { score: now + ttlMs, member: id })
        .zcard(key)
        .pexpire(key, ttlMs)
        .exec()) as [number, number | null, number, number];
      if (held <= cap) return true;
      if (added) await redis.zrem(key, id);
      return !added;
    },
    async release(tenant, subject, id) {
      await redis.zrem(reviewSubscriptionsKey(tenant, subject), id);
    },
  };
}
