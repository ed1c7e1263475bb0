/**
 * Where the queue's rows come from. The page talks to a QueueSource only: today a polling source (re-reads the head
 * of the queue every few seconds), later a GraphQL subscription source can replace it without touching the page.
 */
import type { EdgeClient } from './edge-client.js';
import {
  type ReviewFilter,
  type ReviewOrder,
  ReviewQueueDocument,
  type ReviewQueueQuery,
} from './generated/graphql.js';

export type QueueItem = ReviewQueueQuery['reviewQueue']['items'][number];

export interface QueueQuery {
  filter: ReviewFilter;
  orderBy: ReviewOrder;
}

export interface QueueSnapshot {
  items: QueueItem[];
  totalCount: number;
  /** False when the edge stopped counting: `totalCount` is then a lower bound. */
  totalCountExact: boolean;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
  /** When the rows were last read from the edge (ms). */
  refreshedAt: number | null;
}

export interface QueueSource {
  /** Starts following `query`; `listener` gets every new snapshot. Returns the stop function. */
  follow(query: QueueQuery, listener: (s: QueueSnapshot) => void): () => void;
  /** Reads the next page of the followed query. */
  loadMore(): Promise<void>;
  /** Reads the head again now (after a decision, say). */
  refresh(): Promise<void>;
}

const pageSize = 100;

/** Polls the head of the queue every `intervalMs` and pages on demand (cursor pagination, 100 a page). */
export function pollingQueueSource(client: EdgeClient, intervalMs = 4_000): QueueSource {
  let query: QueueQuery | null = null;
  let listener: ((s: QueueSnapshot) => void) | null = null;
  let snap: QueueSnapshot = emptySnapshot();
  let cursor: string | null = null;
  let generation = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<void> | null = null;

  const emit = (next: Partial<QueueSnapshot>) => {
    snap = { ...snap, ...next };
    listener?.(snap);
  };

  async function read(after: string | null, first: number) {
    const q = query!;
    const data = await client.request(ReviewQueueDocument, { filter: q.filter, orderBy: q.orderBy, first, after });
    return data.reviewQueue;
  }

  /** Re-reads the first page, keeping rows loaded past it (a subscription will keep every row current). */
  async function refreshHead() {
    const gen = generation;
    try {
      const page = await read(null, pageSize);
      if (gen !== generation) return;
      const head = new Set(page.items.map((i) => i.id));
      const tail = snap.items.slice(pageSize).filter((i) => !head.has(i.id));
      if (snap.items.length <= pageSize) cursor = page.endCursor;
      emit({
        items: [...page.items, ...tail],
        totalCount: page.totalCount,
        totalCountExact: page.totalCountExact,
        hasNextPage: snap.items.length <= pageSize ? page.hasNextPage : snap.hasNextPage,
        loading: false,
        error: null,
        refreshedAt: Date.now(),
      });
    } catch (err) {
      if (gen === generation) emit({ loading: false, error: (err as Error).message });
    }
  }

  const once = (fn: () => Promise<void>) => {
    inFlight ??= fn().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    follow(q, l) {
      query = q;
      listener = l;
      generation++;
      cursor = null;
      snap = { ...emptySnapshot(), loading: true };
      l(snap);
      inFlight = null;
      void once(refreshHead);
      clearInterval(timer);
      timer = setInterval(() => void once(refreshHead), intervalMs);
      return () => {
        clearInterval(timer);
        generation++;
        listener = null;
      };
    },
    async loadMore() {
      if (!query || !snap.hasNextPage || !cursor) return;
      const gen = generation;
      await once(async () => {
        try {
          const page = await read(cursor, pageSize);
          if (gen !== generation) return;
          cursor = page.endCursor;
          const have = new Set(snap.items.map((i) => i.id));
          emit({
            items: [...snap.items, ...page.items.filter((i) => !have.has(i.id))],
            totalCount: page.totalCount,
            totalCountExact: page.totalCountExact,
            hasNextPage: page.hasNextPage,
          });
        } catch (err) {
          emit({ error: (err as Error).message });
        }
      });
    },
    refresh: () => once(refreshHead),
  };
}

function emptySnapshot(): QueueSnapshot {
  return {
    items: [],
    totalCount: 0,
    totalCountExact: true,
    hasNextPage: false,
    loading: false,
    error: null,
    refreshedAt: null,
  };
}
