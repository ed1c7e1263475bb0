/** In-memory review event bus for unit tests of logic: one array per tenant, cursors are positions in it. */
import { pause, type ReviewEvent, type ReviewEventBus, type SeenReviewEvent } from './events.js';

export function memoryReviewEventBus(pollMs = 5): ReviewEventBus & { published: ReviewEvent[] } {
  const streams = new Map<string, SeenReviewEvent[]>();
  const published: ReviewEvent[] = [];
  return {
    published,
    async publish(events) {
      for (const { tenant, ...e } of events) {
        const s = streams.get(tenant) ?? [];
        s.push({ ...e, cursor: String(s.length + 1) });
        streams.set(tenant, s);
        published.push({ tenant, ...e });
      }
    },
    async *subscribe(tenant, { after, signal }) {
      let seen = after ? Number(after) : (streams.get(tenant)?.length ?? 0);
      while (!signal.aborted) {
        const s = streams.get(tenant) ?? [];
        while (seen < s.length && !signal.aborted) yield s[seen++]!;
        await pause(pollMs, signal);
      }
    },
  };
}
