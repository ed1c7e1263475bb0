/**
 * Where the queue's rows come from. The page talks to a QueueSource only: the live source (rows kept current by the
 * `ReviewQueueChanged` stream, polling only while the stream is off) or a polling one (re-reads the head every few
 * seconds; `?live=off`).
 */
import type { EdgeClient } from './edge-client.js';
import { createQueueStore, type QueueQuery, type QueueSnapshot, type QueueStore } from './queue-store.js';
import { followReviewStream, type StreamOptions } from './review-stream.js';

export type { QueueItem, QueueQuery, QueueSnapshot } from './queue-store.js';

export interface QueueSource {
  /** Starts following `query`; `listener` gets every new snapshot. Returns the stop function. */
  follow(query: QueueQuery, listener: (s: QueueSnapshot) => void): () => void;
  /** Reads the next page of the followed query. */
  loadMore(): Promise<void>;
  /** Reads the head again now (after a decision, say). */
  refresh(): Promise<void>;
}

/** Re-reads the head of `store` every `intervalMs` until the returned function is called. */
function poll(store: QueueStore, intervalMs: number): () => void {
  const timer = setInterval(() => void store.refreshHead(), intervalMs);
  return () => clearInterval(timer);
}

/** Polls the head of the queue every `intervalMs` and pages on demand (cursor pagination, 100 a page). */
export function pollingQueueSource(client: EdgeClient, intervalMs = 4_000): QueueSource {
  const store = createQueueStore(client);
  const polling = { mode: 'polling', everyS: intervalMs / 1000, reason: 'live updates are turned off' } as const;
  return {
    follow(q, l) {
      store.setLive(polling);
      const unfollow = store.follow(q, l);
      const stopPolling = poll(store, intervalMs);
      return () => {
        stopPolling();
        unfollow();
      };
    },
    loadMore: () => store.loadMore(),
    refresh: () => store.refreshHead(),
  };
}

/**
 * Rows kept current by the live stream, opened once for the page's life (a change of filter re-reads the rows, not
 * the stream). While the stream is off, the head is polled every `pollMs` instead, and the snapshot says why.
 */
export function liveQueueSource(client: EdgeClient, stream: StreamOptions, pollMs = 4_000): QueueSource {
  const store = createQueueStore(client);
  let stopStream: (() => void) | null = null;
  let stopPolling: (() => void) | null = null;
  let followers = 0;

  function start() {
    stopStream = followReviewStream(stream, {
      event: (e) => store.apply(e),
      state(s) {
        const wasOff = store.snapshot.live.mode === 'polling';
        if (s.mode === 'off') {
          stopPolling ??= poll(store, pollMs);
          store.setLive({ mode: 'polling', everyS: pollMs / 1000, reason: s.reason });
          return;
        }
        stopPolling?.();
        stopPolling = null;
        store.setLive(s);
        // Live again after being off: what changed meanwhile came with no event.
        if (s.mode === 'live' && wasOff) void store.refreshHead();
      },
      // The stream starts at the newest event when it first reads (just after it opens): read the queue a little
      // later, so that a change committed in between is in the rows or in the stream.
      openedFresh: (replayRefused) =>
        void setTimeout(() => void (replayRefused ? store.reload() : store.refreshHead()), 300),
    });
  }

  return {
    follow(q, l) {
      const unfollow = store.follow(q, l);
      followers++;
      if (!stopStream) start();
      return () => {
        unfollow();
        followers--;
        // A new filter unfollows and follows again in one go: the stream stays open across it.
        queueMicrotask(() => {
          if (followers > 0) return;
          stopStream?.();
          stopPolling?.();
          [stopStream, stopPolling] = [null, null];
        });
      };
    },
    loadMore: () => store.loadMore(),
    refresh: () => store.refreshHead(),
  };
}
