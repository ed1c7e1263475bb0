/** In-memory review event bus for unit tests of logic: one array per tenant, cursors (`<n>-0`) are positions in it. */
import { pause, type ReviewEvent, type ReviewEventBus, type SeenReviewEvent } from './events.js';

const position = (cursor: string) => Number(cursor.split('-')[0]);

export function memoryReviewEventBus(pollMs = 5): ReviewEventBus & { published: ReviewEvent[] } {
  const streams = new Map<string, SeenReviewEvent[]>();
  const published: ReviewEvent[] = [];
  const leases = new Map<string, Map<string, number>>();
  return {
    published,
    async publish(events) {
      for (const { tenant, ...e } of events) {
        const s = streams.get(tenant) ?? [];
        s.push({ ...e, cursor: `${s.length + 1}-0` });
        streams.set(tenant, s);
        published.push({ tenant, ...e });
      }
    },
    async *subscribe(tenant, { after, signal }) {
      let seen = after ? position(after) : (streams.get(tenant)?.length ?? 0);
      while (!signal.aborted) {
        const s = streams.get(tenant) ?? [];
        while (seen < s.length && !signal.aborted) yield s[seen++]!;
        await pause(pollMs, signal);
      }
    },
    async countAfter(tenant, after, limit) {
      return Math.min(Math.max(0, (streams.get(tenant)?.length ?? 0) - position(after)), limit + 1);
    },
    async lease(tenant, subject, id, { cap, ttlMs }) {
      const key = `${tenant}/${subject}`;
      const held = leases.get(key) ?? new Map<string, number>();
      const now = Date.now();
      for (const [k, until] of held) if (until <= now) held.delete(k);
      if (!held.has(id) && held.size >= cap) return false;
      held.set(id, now + ttlMs);
      leases.set(key, held);
      return true;
    },
    async release(tenant, subject, id) {
      leases.get(`${tenant}/${subject}`)?.delete(id);
    },
  };
}
