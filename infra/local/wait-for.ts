import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` every 200 ms until it returns a value (not undefined); throws naming `what` once `timeoutMs` passes.
 * @example await waitFor('queue drained', async () => ((await queueCount(sqs, url)).visible === 0 ? true : undefined));
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
