/**
 * Review-queue change events: what the live queue (the `reviewQueueChanged` subscription) is told when the ER worker
 * opens or closes a candidate, or a reviewer claims, decides or undoes one. A small port with two adapters: Redis
 * Streams through Upstash REST (events-upstash.ts, every deployment) and an in-memory one for unit tests.
 *
 * An event names the candidate and what happened; it never carries the records. The subscriber reads the candidate
 * through the same policy-checked store read as `reviewCandidate`, so an event about a pair the caller may not see is
 * never delivered (out of scope looks like absent).
 */
import type { ReviewStatus } from './types.js';

export const reviewEventKinds = ['CREATED', 'CLAIMED', 'RELEASED', 'DECIDED', 'UNDONE', 'CLOSED'] as const;
export type ReviewEventKind = (typeof reviewEventKinds)[number];

/** One change, published after the transaction that made it committed. */
export interface ReviewEvent {
  tenant: string;
  kind: ReviewEventKind;
  reviewId: string;
  status: ReviewStatus;
  /** Epoch ms at which the change was committed to the graph (the start of the server→client latency). */
  committedAt: number;
}

/** An event as a subscriber receives it: with its position in the tenant's stream (opaque; resume after it). */
export interface SeenReviewEvent extends Omit<ReviewEvent, 'tenant'> {
  cursor: string;
}

export interface ReviewEventBus {
  /** Appends events to their tenants' streams. Callers treat a failure as a missed notification, never a failed write. */
  publish(events: readonly ReviewEvent[]): Promise<void>;
  /**
   * The tenant's events after `after` (exclusive; absent: only events published from now on), until `signal` aborts.
   * A cursor older than the stream's retained window resumes at the oldest event still held.
   */
  subscribe(tenant: string, options: { after?: string | null; signal: AbortSignal }): AsyncIterable<SeenReviewEvent>;
  /** How many events of the tenant follow `after`, counted up to `limit + 1` at most (more than `limit`: too many). */
  countAfter(tenant: string, after: string, limit: number): Promise<number>;
  /**
   * Takes (or renews) one of a subject's `cap` live-subscription slots for `ttlMs`: false when all are held. Slots
   * live in the shared store, so the cap holds across origin instances, and a slot whose holder died runs out.
   */
  lease(tenant: string, subject: string, id: string, options: { cap: number; ttlMs: number }): Promise<boolean>;
  /** Gives a slot back (the subscription ended). */
  release(tenant: string, subject: string, id: string): Promise<void>;
}

/** Publishes and reports a failure instead of throwing: the graph write it follows has already committed. */
export async function publishQuietly(
  bus: ReviewEventBus | undefined,
  events: readonly ReviewEvent[],
  onError: (err: unknown) => void,
): Promise<void> {
  if (!bus || events.length === 0) return;
  try {
    await bus.publish(events);
  } catch (err) {
    onError(err);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
