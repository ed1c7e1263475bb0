import { describe, expect, it } from 'vitest';
import { type GatherOptions, gatherBatch } from './gather.js';

/** A queue of `backlog` numbered messages behind a receive function; records what each receive asked for. */
function queue(backlog: number, failOnCall?: number) {
  let next = 0;
  const calls: { max: number; waitS: number }[] = [];
  const receive = async (max: number, waitS: number) => {
    calls.push({ max, waitS });
    if (calls.length === failOnCall) throw new Error('connection reset');
    const n = Math.min(max, backlog - next);
    const out = Array.from({ length: n }, (_, i) => next + i);
    next += n;
    return out;
  };
  return { receive, calls };
}

const options = (o: Partial<GatherOptions> = {}): GatherOptions => ({
  batchSize: 50,
  windowMs: 1000,
  waitS: 20,
  running: () => true,
  ...o,
});

describe('gatherBatch', () => {
  it('gathers a batch larger than one receive: a long poll, then the rest side by side without waiting', async () => {
    // Prepare
    const q = queue(200);

    // Act
    const { messages } = await gatherBatch(q.receive, options({ batchSize: 25 }));

    // Assess
    expect(messages.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(q.calls).toEqual([
      { max: 10, waitS: 20 },
      { max: 10, waitS: 0 },
      { max: 5, waitS: 0 },
    ]);
  });

  it('sends the follow-up receives side by side, not one after another', async () => {
    // Prepare: a follow-up receive answers only once all four of the round are asked (sequential ones never would).
    const q = queue(200);
    let pending = 0;
    const waiters: (() => void)[] = [];
    const receive = async (max: number, waitS: number) => {
      if (waitS > 0) return q.receive(max, waitS);
      pending++;
      if (pending < 4) await new Promise<void>((r) => waiters.push(r));
      else for (const w of waiters.splice(0)) w();
      return q.receive(max, waitS);
    };

    // Act
    const { messages } = await gatherBatch(receive, options());

    // Assess
    expect(messages).toHaveLength(50);
  });

  it('sends a batch on after a short receive instead of waiting out the window', async () => {
    const q = queue(13);

    const { messages } = await gatherBatch(q.receive, options());

    // One long poll, one round of four follow-ups (the first finds 3, the rest nothing), no second round.
    expect(messages).toHaveLength(13);
    expect(q.calls).toHaveLength(5);
  });

  it('asks nothing more after a long poll that came back short', async () => {
    const q = queue(7);

    const { messages } = await gatherBatch(q.receive, options());

    expect(messages).toHaveLength(7);
    expect(q.calls).toHaveLength(1);
  });

  it('stops gathering when the window closes, counted from the first receive', async () => {
    // Prepare: a clock that moves 1,200 ms per reading, so the follow-ups would start past a 1,000 ms window.
    const q = queue(200);
    let t = 0;
    const now = () => (t += 1200);

    // Act
    const { messages, receivedAt } = await gatherBatch(q.receive, options({ now }));

    // Assess
    expect(receivedAt).toBe(1200);
    expect(messages).toHaveLength(10);
  });

  it('keeps what it received when a follow-up receive fails, and says so', async () => {
    const q = queue(200, 3);
    const errors: unknown[] = [];

    const { messages } = await gatherBatch(q.receive, options({ onError: (e) => errors.push(e) }));

    // The long poll's 10 and the three follow-ups that did not fail.
    expect(messages).toHaveLength(40);
    expect(errors).toHaveLength(1);
  });

  it('stops gathering once the worker stops', async () => {
    const q = queue(200);
    let running = true;
    const receive = async (max: number, waitS: number) => {
      const out = await q.receive(max, waitS);
      running = false;
      return out;
    };

    const { messages } = await gatherBatch(receive, options({ running: () => running }));

    expect(messages).toHaveLength(10);
  });

  it('lets a failed long poll fail the call (the loop retries it)', async () => {
    const q = queue(200, 1);

    await expect(gatherBatch(q.receive, options())).rejects.toThrow('connection reset');
  });
});
