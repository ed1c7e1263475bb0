/**
 * The live review queue: `reviewQueueChanged`, served as server-sent events by yoga. Each event of the caller's tenant
 * stream is shown only after the candidate is read back through the same policy-checked store read as
 * `reviewCandidate` (both entities within the caller's data classes), so a subscriber learns nothing about pairs it
 * may not see. The review mutations publish here after their transaction committed.
 */
import type { ReviewEvent, ReviewEventBus, ReviewEventKind, SeenReviewEvent } from '../core/er/review/events.js';
import { isReviewEventCursor } from '../core/er/review/events-upstash.js';
import type { ReviewChange, ReviewItem } from '../core/er/review/types.js';
import { InvalidInputError } from '../core/graph/errors.js';
import type { OriginContext } from './context.js';
import { clientError } from './errors.js';
import { originLogger } from './log.js';
import { visibleClasses } from './visibility.js';

const log = originLogger();

function busOf(ctx: OriginContext): ReviewEventBus {
  if (!ctx.reviewEvents) throw clientError('REVIEW_EVENTS_UNAVAILABLE', 'live review updates are not configured here');
  return ctx.reviewEvents;
}

interface QueueEvent extends Omit<SeenReviewEvent, 'committedAt'> {
  committedAt: string;
  review: ReviewItem;
}

/** The visible events of the caller's tenant, until the client goes away (or the request's signal aborts). */
async function* visibleEvents(
  ctx: OriginContext,
  after: string | null,
): AsyncGenerator<{ reviewQueueChanged: QueueEvent }> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const classes = visibleClasses(ctx);
    for await (const e of busOf(ctx).subscribe(ctx.tenant, { after, signal: stop.signal })) {
      const review = await ctx.reviews?.detail(ctx.tenant, e.reviewId, classes);
      if (!review) continue;
      yield { reviewQueueChanged: { ...e, committedAt: new Date(e.committedAt).toISOString(), review } };
    }
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

export const reviewSubscriptions = {
  reviewQueueChanged: {
    subscribe(_: unknown, args: { after?: string | null }, ctx: OriginContext) {
      busOf(ctx);
      if (!ctx.reviews) throw clientError('REVIEWS_UNAVAILABLE', 'the review queue is not configured on this origin');
      if (args.after != null && !isReviewEventCursor(args.after)) {
        throw new InvalidInputError('invalid after: pass the cursor of an event received earlier, unchanged');
      }
      return visibleEvents(ctx, args.after ?? null);
    },
  },
};

const kindOfClaim = (release: boolean): ReviewEventKind => (release ? 'RELEASED' : 'CLAIMED');

/** The event a committed change makes (none when the call changed nothing, e.g. a retry). */
export function changeEvent(
  ctx: OriginContext,
  kind: 'claim' | 'release' | 'decision' | 'undo',
  c: ReviewChange,
): ReviewEvent | null {
  if (!c.changed) return null;
  const k: ReviewEventKind =
    kind === 'decision' ? 'DECIDED' : kind === 'undo' ? 'UNDONE' : kindOfClaim(kind === 'release');
  return { tenant: ctx.tenant, kind: k, reviewId: c.review.id, status: c.review.status, committedAt: Date.now() };
}

/** Tells live subscribers about committed changes; a failure is logged, never fails the call that made them. */
export async function announce(ctx: OriginContext, events: readonly (ReviewEvent | null)[]): Promise<void> {
  const real = events.filter((e): e is ReviewEvent => e !== null);
  if (!ctx.reviewEvents || real.length === 0) return;
  try {
    await ctx.reviewEvents.publish(real);
  } catch (err) {
    log.warn(`review events not published (live queues will catch up on their next read): ${String(err)}`);
  }
}
