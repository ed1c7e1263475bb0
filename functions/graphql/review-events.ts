/**
 * The live review queue: `reviewQueueChanged`, served as server-sent events by yoga. Each event of the caller's tenant
 * stream is shown only after the candidate is read back through the same policy-checked store read as
 * `reviewCandidate` (both entities within the caller's data classes), so a subscriber learns nothing about pairs it
 * may not see. The review mutations publish here after their transaction committed.
 */
import { randomUUID } from 'node:crypto';
import type { ReviewEvent, ReviewEventBus, ReviewEventKind, SeenReviewEvent } from '../core/er/review/events.js';
import { isReviewEventCursor } from '../core/er/review/events-upstash.js';
import type { ReviewChange, ReviewItem } from '../core/er/review/types.js';
import { InvalidInputError } from '../core/graph/errors.js';
import { type CallerAttributes, resolveScope } from '../core/policy/index.js';
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

/** Limits of a live subscription (the defaults suit the page; tests shorten them). */
export const reviewSubscriptionLimits = {
  /** A stream ends after this long (the client resumes with `after`): its token and scope are checked afresh then. */
  maxLifetimeMs: 15 * 60_000,
  /** Open streams per subject and tenant, across origin instances. */
  perSubject: 5,
  /** How often an open stream renews its slot and re-reads the caller's scope from policy. */
  recheckMs: 30_000,
  /** Most events a resume (`after`) replays; beyond it the client reloads the queue instead. */
  maxReplay: 500,
};

/**
 * The visible events of the caller's tenant, until the client goes away, the stream's lifetime ends, or the caller's
 * scope no longer lets it see a review (then it ends with POLICY_DENIED). Holds one of the subject's slots meanwhile.
 */
async function* visibleEvents(
  ctx: OriginContext,
  bus: ReviewEventBus,
  after: string | null,
  slot: string,
): AsyncGenerator<{ reviewQueueChanged: QueueEvent }> {
  const limits = reviewSubscriptionLimits;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let classes = visibleClasses(ctx);
  let denied: Error | null = null;
  const lifetime = setTimeout(() => stop.abort(), limits.maxLifetimeMs);
  const recheck = setInterval(() => {
    void (async () => {
      try {
        classes = visibleClasses({ scope: resolveScope(ctx.policy, ctx.claims.attributes as CallerAttributes) });
        if (classes.length === 0) denied = clientError('POLICY_DENIED', 'your scope no longer includes any reviews');
        const held = await bus.lease(ctx.tenant, ctx.subject, slot, {
          cap: limits.perSubject,
          ttlMs: 3 * limits.recheckMs,
        });
        if (!held) denied = tooMany();
      } catch (err) {
        log.warn(`live review subscription recheck failed (the stream goes on): ${String(err)}`);
      }
      if (denied) stop.abort();
    })();
  }, limits.recheckMs);
  try {
    for await (const e of bus.subscribe(ctx.tenant, { after, signal: stop.signal })) {
      const review = await ctx.reviews?.detail(ctx.tenant, e.reviewId, classes);
      if (!review || stop.signal.aborted) continue;
      yield { reviewQueueChanged: { ...e, committedAt: new Date(e.committedAt).toISOString(), review } };
    }
    if (denied) throw denied;
  } finally {
    clearTimeout(lifetime);
    clearInterval(recheck);
    ctx.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await bus.release(ctx.tenant, ctx.subject, slot).catch(() => undefined);
  }
}

const tooMany = () =>
  clientError(
    'TOO_MANY_SUBSCRIPTIONS',
    `at most ${reviewSubscriptionLimits.perSubject} live review streams per person: close another tab or window first`,
  );

/** Refuses a subscription before it opens: a bad cursor, a resume too long to replay, or no free slot. */
async function open(ctx: OriginContext, after: string | null) {
  const bus = busOf(ctx);
  if (!ctx.reviews) throw clientError('REVIEWS_UNAVAILABLE', 'the review queue is not configured on this origin');
  if (after != null && !isReviewEventCursor(after)) {
    throw new InvalidInputError('invalid after: pass the cursor of an event received earlier, unchanged');
  }
  const { maxReplay, perSubject, recheckMs } = reviewSubscriptionLimits;
  if (after != null && (await bus.countAfter(ctx.tenant, after, maxReplay)) > maxReplay) {
    throw clientError(
      'REPLAY_TOO_LONG',
      `more than ${maxReplay} changes since that cursor: reload the queue (reviewQueue), then subscribe without after`,
      { snapshot: 'reviewQueue' },
    );
  }
  const slot = randomUUID();
  if (!(await bus.lease(ctx.tenant, ctx.subject, slot, { cap: perSubject, ttlMs: 3 * recheckMs }))) throw tooMany();
  return visibleEvents(ctx, bus, after, slot);
}

export const reviewSubscriptions = {
  reviewQueueChanged: {
    subscribe(_: unknown, args: { after?: string | null }, ctx: OriginContext) {
      return open(ctx, args.after ?? null);
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
