import { describe, expect, it } from 'vitest';
import { flushingTraces, type Tracing } from './tracing.js';

const tracingWith = (flush: () => Promise<void>): Tracing => ({
  exporting: true,
  flush,
  shutdown: async () => {},
});

describe('flushingTraces', () => {
  it('returns the handler’s answer after the export when the collector answers in time', async () => {
    let flushed = false;
    const handler = flushingTraces(
      tracingWith(async () => {
        flushed = true;
      }),
      async (x: number) => x * 2,
    );
    await expect(handler(21)).resolves.toBe(42);
    expect(flushed).toBe(true);
  });

  it('waits no longer than its budget for a collector that never answers, and still rethrows a handler error', async () => {
    const hung = tracingWith(() => new Promise<void>(() => {}));
    const started = performance.now();
    await expect(flushingTraces(hung, async () => 'ok', 50)()).resolves.toBe('ok');
    await expect(
      flushingTraces(
        hung,
        async () => {
          throw new Error('boom');
        },
        50,
      )(),
    ).rejects.toThrow('boom');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
