/**
 * The rows the page shows for one query: read from `reviewQueue` 100 at a time (cursor pagination, more as the
 * reviewer scrolls), and kept current by review-queue events. An event about a loaded row replaces it with the
 * candidate the event carries, or drops it when its new status or assignee leaves the filter; an event that may add a
 * row re-reads the head of the queue (and its end, when everything is loaded), because which rows match a filter and
 * where they sort is the API's to say. Events that arrive while a read is on its way are applied again on top of it.
 */
import type { EdgeClient } from './edge-client.js';
import {
  type ReviewFilter,
  type ReviewOrder,
  ReviewQueueDocument,
  type ReviewQueueQuery,
  type ReviewStatus,
} from './generated/graphql.js';
import type { LiveState, QueueEvent } from './review-stream.js';

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
  /** How the rows are kept current: the live stream's state, or polling (while it is off, with the reason). */
  live: Exclude<LiveState, { mode: 'off' }> | { mode: 'polling'; everyS: number; reason: string | null };
}

export const pageSize = 100;

/** Whether a candidate in this state belongs in the filter's rows, as far as events can change it. */
function admits(filter: ReviewFilter, r: QueueItem): boolean {
  const statuses: readonly ReviewStatus[] = filter.statuses?.length ? filter.statuses : ['OPEN']; // the API's default
  if (!statuses.includes(r.status)) return false;
  if (filter.unassigned && r.assignee) return false;
  if (filter.assignee && r.assignee !== filter.assignee) return false;
  return true;
}

export function emptySnapshot(): QueueSnapshot {
  return {
    items: [],
    totalCount: 0,
    totalCountExact: true,
    hasNextPage: false,
    loading: false,
    error: null,
    refreshedAt: null,
    live: { mode: 'connecting' },
  };
}

/** How long events that may add rows are gathered before one read of the head. */
const reconcileDelayMs = 250;

export function createQueueStore(client: EdgeClient) {
  let query: QueueQuery | null = null;
  let listener: ((s: QueueSnapshot) => void) | null = null;
  let snap: QueueSnapshot = emptySnapshot();
  /** The end cursor of the last page read: where loadMore (and a read of the end) continues. */
  let cursor: string | null = null;
  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let reconcileTimer: ReturnType<typeof setTimeout> | undefined;
  /** Events since the oldest read still on its way (re-applied when it lands); emptied when none is. */
  const recent: QueueEvent[] = [];
  let reads = 0;

  const emit = (next: Partial<QueueSnapshot>) => {
    snap = { ...snap, ...next };
    listener?.(snap);
  };

  /** Reads a page of the current query; `merge` folds it into the rows, then the events it may have missed. */
  async function readPage(after: string | null, merge: (page: ReviewQueueQuery['reviewQueue']) => void) {
    const gen = generation;
    const since = recent.length;
    reads++;
    try {
      const q = query!;
      const data = await client.request(ReviewQueueDocument, {
        filter: q.filter,
        orderBy: q.orderBy,
        first: pageSize,
        after,
      });
      if (gen !== generation) return;
      merge(data.reviewQueue);
      for (const e of recent.slice(since)) apply(e, false);
    } catch (err) {
      if (gen === generation) emit({ loading: false, error: (err as Error).message });
    } finally {
      if (--reads === 0) recent.length = 0;
    }
  }

  /**
   * Re-reads the first page and keeps the loaded rows that sort after it: those after the last row of the new head
   * that was loaded before (rows before it that the head no longer holds have left the query).
   */
  const refreshHead = () =>
    readPage(null, (page) => {
      const head = new Set(page.items.map((i) => i.id));
      const old = snap.items;
      const oldAt = new Map(old.map((i, at) => [i.id, at]));
      let from = pageSize; // no row of the new head was loaded: keep what lay past the old head
      for (let k = page.items.length - 1; k >= 0; k--) {
        const at = oldAt.get(page.items[k]!.id);
        if (at !== undefined) {
          from = at + 1;
          break;
        }
      }
      const tail = old.length > pageSize ? old.slice(from).filter((i) => !head.has(i.id)) : [];
      const headOnly = tail.length === 0;
      if (headOnly) cursor = page.endCursor;
      emit({
        items: [...page.items, ...tail],
        totalCount: page.totalCount,
        totalCountExact: page.totalCountExact,
        hasNextPage: headOnly ? page.hasNextPage : snap.hasNextPage,
        loading: false,
        error: null,
        refreshedAt: Date.now(),
      });
    });

  /** Reads the rows after the last loaded one (more pages, or candidates added at the end of the order). */
  const readAfterEnd = () =>
    readPage(cursor, (page) => {
      if (page.endCursor) cursor = page.endCursor;
      const have = new Set(snap.items.map((i) => i.id));
      emit({
        items: [...snap.items, ...page.items.filter((i) => !have.has(i.id))],
        totalCount: page.totalCount,
        totalCountExact: page.totalCountExact,
        hasNextPage: page.hasNextPage,
        refreshedAt: Date.now(),
      });
    });

  /** Runs one read at a time; a second asked meanwhile shares the first. */
  const once = (fn: () => Promise<void>) => {
    if (inFlight) return inFlight;
    const p: Promise<void> = fn().finally(() => {
      if (inFlight === p) inFlight = null;
    });
    inFlight = p;
    return p;
  };

  /** Reads where an event's new row may sort: the head, and the end when every row is loaded. */
  function reconcileSoon() {
    if (reconcileTimer) return;
    const reconcile = () =>
      once(async () => {
        await refreshHead();
        if (!snap.hasNextPage && cursor) await readAfterEnd();
      });
    reconcileTimer = setTimeout(() => {
      reconcileTimer = undefined;
      // After a read already on its way (a page being loaded), not instead of it.
      void (inFlight ? inFlight.then(reconcile) : reconcile());
    }, reconcileDelayMs);
  }

  /** Applies one event; `reconcile`: whether an event that may add a row reads the queue (not when re-applied). */
  function apply(e: QueueEvent, reconcile = true) {
    if (!query) return;
    if (reads > 0 && reconcile) recent.push(e);
    const at = snap.items.findIndex((i) => i.id === e.reviewId);
    const fits = admits(query.filter, e.review);
    if (at >= 0) {
      const items = snap.items.slice();
      if (fits) items[at] = e.review;
      else items.splice(at, 1);
      const left = fits ? 0 : 1;
      emit({ items, totalCount: snap.totalCountExact ? Math.max(0, snap.totalCount - left) : snap.totalCount });
    } else if (fits && reconcile) {
      reconcileSoon();
    }
  }

  return {
    get snapshot() {
      return snap;
    },
    /** Starts following `q` afresh: the first page is read at once. */
    follow(q: QueueQuery, l: (s: QueueSnapshot) => void) {
      query = q;
      listener = l;
      generation++;
      cursor = null;
      inFlight = null;
      snap = { ...emptySnapshot(), live: snap.live, loading: true };
      l(snap);
      void once(refreshHead);
      return () => {
        generation++;
        listener = null;
        clearTimeout(reconcileTimer);
        reconcileTimer = undefined;
      };
    },
    refreshHead: () => once(refreshHead),
    /** Drops every loaded row and reads the first page again (what was loaded may be stale). */
    reload() {
      generation++;
      cursor = null;
      inFlight = null;
      emit({ items: [], hasNextPage: false, loading: true });
      return once(refreshHead);
    },
    async loadMore() {
      if (!query || !snap.hasNextPage || !cursor) return;
      await once(readAfterEnd);
    },
    apply: (e: QueueEvent) => apply(e),
    setLive: (live: QueueSnapshot['live']) => emit({ live }),
  };
}

export type QueueStore = ReturnType<typeof createQueueStore>;
