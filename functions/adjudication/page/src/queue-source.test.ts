import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeClient } from './edge-client.js';
import type { ReviewQueueQuery, ReviewStatus } from './generated/graphql.js';
import { liveQueueSource } from './queue-source.js';
import { createQueueStore, pageSize, type QueueItem, type QueueSnapshot } from './queue-store.js';
import { followReviewStream, type LiveState, type QueueEvent } from './review-stream.js';

// The build defines the persisted ids; here any registered-looking id will do (no edge is called).
(globalThis as { __GG_OPERATION_IDS__?: Record<string, string> }).__GG_OPERATION_IDS__ = {
  ReviewQueueChanged: 'c'.repeat(64),
};

const item = (id: string, status: ReviewStatus = 'OPEN', assignee: string | null = null) =>
  ({ id, status, assignee, probability: 0.7 }) as unknown as QueueItem;
const event = (cursor: string, review: QueueItem, kind: QueueEvent['kind'] = 'DECIDED'): QueueEvent =>
  ({ cursor, kind, reviewId: review.id, status: review.status, committedAt: '', review }) as QueueEvent;
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

type Page = ReviewQueueQuery['reviewQueue'];
const page = (items: QueueItem[], more = false, total = items.length): Page => ({
  items,
  totalCount: total,
  totalCountExact: true,
  endCursor: items.length ? `c-${items[items.length - 1]!.id}` : null,
  hasNextPage: more,
});

/** An edge client answering reviewQueue reads from `answer` (logic only: the browser tests use the real edge). */
function queueClient(answer: (after: string | null) => Page | Promise<Page>) {
  const reads: (string | null)[] = [];
  const client: EdgeClient = {
    async request(_doc, variables) {
      const after = (variables as { after: string | null }).after;
      reads.push(after);
      return { reviewQueue: await answer(after) } as never;
    },
  };
  return { client, reads };
}

async function following(answer: (after: string | null) => Page | Promise<Page>) {
  const { client, reads } = queueClient(answer);
  const store = createQueueStore(client);
  let snap: QueueSnapshot | null = null;
  store.follow({ filter: { statuses: ['OPEN'] }, orderBy: 'OLDEST' }, (s) => {
    snap = s;
  });
  await tick();
  return { store, reads, snap: () => snap!, ids: () => snap!.items.map((i) => i.id) };
}

describe('queue rows kept current by review events', () => {
  it('replaces a loaded row with the candidate an event carries, and drops it when it leaves the filter', async () => {
    const q = await following(() => page([item('rv-1'), item('rv-2'), item('rv-3')]));

    q.store.apply(event('1-0', item('rv-2', 'OPEN', 'bob'), 'CLAIMED'));
    const claimed = q.snap().items[1]!.assignee;
    q.store.apply(event('2-0', item('rv-1', 'REJECTED')));

    expect(claimed).toBe('bob');
    expect(q.ids()).toEqual(['rv-2', 'rv-3']);
    expect(q.snap().totalCount).toBe(2);
    expect(q.reads).toEqual([null]);
  });

  it('reads the head (and the end, all rows being loaded) once for events that may add rows; ignores ones that cannot', async () => {
    let rows = [item('rv-1')];
    const q = await following((after) => (after ? page(rows.slice(1)) : page(rows)));
    rows = [item('rv-1'), item('rv-2'), item('rv-3')];

    q.store.apply(event('1-0', item('rv-2'), 'CREATED'));
    q.store.apply(event('2-0', item('rv-3'), 'CREATED'));
    q.store.apply(event('3-0', item('rv-9', 'ACCEPTED')));
    await expect.poll(() => q.reads.length).toBe(3);
    await tick(300); // and no more

    expect(q.reads).toEqual([null, null, 'c-rv-3']);
    expect(q.ids()).toEqual(['rv-1', 'rv-2', 'rv-3']);
  });

  it('applies again, on top of a read that lands later, the events that came while it was on its way', async () => {
    let release: (p: Page) => void = () => undefined;
    let first = true;
    const q = await following(() => {
      if (first) {
        first = false;
        return page([item('rv-1'), item('rv-2')]);
      }
      return new Promise<Page>((r) => {
        release = r;
      });
    });

    const reading = q.store.refreshHead();
    await tick();
    q.store.apply(event('1-0', item('rv-1', 'REJECTED')));
    release(page([item('rv-1'), item('rv-2')])); // read before the reject committed
    await reading;

    expect(q.ids()).toEqual(['rv-2']);
  });

  it('keeps the rows loaded past the head when it re-reads the head', async () => {
    const all = Array.from({ length: pageSize + 20 }, (_, i) => item(`rv-${String(i).padStart(3, '0')}`));
    let rows = all;
    const q = await following((after) => {
      const from = after ? rows.findIndex((r) => `c-${r.id}` === after) + 1 : 0;
      return page(rows.slice(from, from + pageSize), from + pageSize < rows.length, rows.length);
    });
    await q.store.loadMore();
    rows = all.slice(5); // five decided elsewhere

    await q.store.refreshHead();

    expect(q.ids()).toEqual(all.slice(5).map((i) => i.id));
    expect(q.snap().hasNextPage).toBe(false);
  });
});

/** A fetch answering each call from `responses` in turn, recording the `after` each call sent. */
function scriptedFetch(responses: (() => Response)[]) {
  const afters: (string | undefined)[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    afters.push(JSON.parse(init.body as string).variables.after);
    const next = responses.shift();
    if (!next) return new Promise<Response>(() => undefined); // the last call hangs until stopped
    return next();
  }) as typeof globalThis.fetch;
  return { fetch, afters };
}

const sse = (...messages: string[]) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (const m of messages) c.enqueue(new TextEncoder().encode(m));
        c.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
const next = (payload: unknown) => `event: next\ndata: ${JSON.stringify(payload)}\n\n`;
const changed = (cursor: string) => next({ data: { reviewQueueChanged: event(cursor, item(`rv-${cursor}`)) } });
const refused = (code: string) => next({ errors: [{ message: `refused: ${code}`, extensions: { code } }] });

function follow(responses: (() => Response)[]) {
  const f = scriptedFetch(responses);
  const seen = { events: [] as string[], states: [] as LiveState['mode'][], fresh: [] as boolean[] };
  const stop = followReviewStream(
    { token: () => 't', fetch: f.fetch, backoffMs: () => 5, offRetryMs: 5 },
    {
      event: (e) => seen.events.push(e.cursor),
      state: (s) => seen.states.push(s.mode),
      openedFresh: (replayRefused) => seen.fresh.push(replayRefused),
    },
  );
  stops.push(stop);
  return { ...f, seen };
}
const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

describe('the live review stream', () => {
  it('resumes after the last cursor when the stream drops, and at once when it ends its lifetime', async () => {
    const s = follow([
      () => sse(changed('1-0'), changed('2-0')), // drops without `complete`
      () => sse(changed('3-0'), 'event: complete\ndata:\n\n'),
      () => sse(),
    ]);
    await expect.poll(() => s.afters.length).toBe(4);

    expect(s.seen.events).toEqual(['1-0', '2-0', '3-0']);
    expect(s.afters.slice(0, 4)).toEqual([undefined, '2-0', '3-0', '3-0']);
    expect(s.seen.states.slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(s.seen.fresh).toEqual([false]);
  });

  it('reopens without a cursor and asks for a fresh snapshot when the origin refuses to replay', async () => {
    const s = follow([() => sse(changed('1-0')), () => sse(refused('REPLAY_TOO_LONG')), () => sse()]);
    await expect.poll(() => s.seen.fresh.length).toBe(2);

    expect(s.afters.slice(0, 3)).toEqual([undefined, '1-0', undefined]);
    expect(s.seen.fresh).toEqual([false, true]);
  });

  it('turns live updates off for good where the deployment cannot stream, and retries after too many streams', async () => {
    const unavailable = follow([
      () =>
        Response.json(
          { errors: [{ message: 'no streaming here', extensions: { code: 'STREAMING_UNAVAILABLE' } }] },
          { status: 400 },
        ),
    ]);
    const tooMany = follow([() => sse(refused('TOO_MANY_SUBSCRIPTIONS')), () => sse(changed('1-0'))]);
    await expect.poll(() => tooMany.seen.events.length).toBe(1);
    await expect.poll(() => unavailable.seen.states.length).toBe(2);
    await tick(50); // and no second try

    expect(unavailable.afters).toHaveLength(1);
    expect(unavailable.seen.states).toEqual(['connecting', 'off']);
    expect(tooMany.seen.states.slice(0, 4)).toEqual(['connecting', 'live', 'off', 'live']);
    expect(tooMany.seen.events).toEqual(['1-0']);
  });
});

describe('the live queue source', () => {
  it('polls the head, saying why, while the deployment cannot stream; applies events while it can', async () => {
    const cannot = queueClient(() => page([item('rv-1')]));
    let rejected = false; // rv-2 is rejected elsewhere once the first read is answered; its event follows
    const can = queueClient(() => {
      const rows = rejected ? [item('rv-1')] : [item('rv-1'), item('rv-2')];
      rejected = true;
      return page(rows);
    });
    const unavailable = () =>
      Response.json(
        { errors: [{ message: 'no streaming', extensions: { code: 'STREAMING_UNAVAILABLE' } }] },
        { status: 400 },
      );
    const off = liveQueueSource(cannot.client, { token: () => 't', fetch: scriptedFetch([unavailable]).fetch }, 20);
    const live = liveQueueSource(
      can.client,
      {
        token: () => 't',
        fetch: scriptedFetch([
          () => sse(next({ data: { reviewQueueChanged: event('1-0', item('rv-2', 'REJECTED')) } })),
        ]).fetch,
      },
      20,
    );
    let offSnap: QueueSnapshot | null = null;
    let liveSnap: QueueSnapshot | null = null;
    const query = { filter: {}, orderBy: 'OLDEST' } as const;
    stops.push(off.follow(query, (s) => (offSnap = s)));
    stops.push(live.follow(query, (s) => (liveSnap = s)));
    // Polling every 20 ms: more than three reads of the head show it polls.
    await expect.poll(() => cannot.reads.length).toBeGreaterThan(3);

    expect(offSnap!.live).toEqual({ mode: 'polling', everyS: 0.02, reason: 'STREAMING_UNAVAILABLE: no streaming' });
    expect(liveSnap!.items.map((i) => i.id)).toEqual(['rv-1']);
    expect(liveSnap!.live.mode).toBe('reconnecting'); // the scripted stream closed after its event
  });
});
