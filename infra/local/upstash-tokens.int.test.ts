import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir } from './paths.js';
import { freePort } from './process.js';
import { twin } from './test-support/twin.js';
import { startUpstashRest } from './upstash.js';

const ctx = () => ({ runDir: mkdtempSync(join(tmpdir(), 'upstash-tokens-')), cacheDir, persistent: false });

/** Status of a PING presenting `token`. */
async function ping(url: string, token: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '["PING"]' });
  await res.arrayBuffer();
  return res.status;
}

describe('upstash-rest tokens (staged rotation)', () => {
  it('accepts every configured token and refuses any other, including a prefix of one', async () => {
    const endpoint = await startUpstashRest(ctx(), {
      port: await freePort(),
      redisUrl: twin().redisUrl,
      tokens: ['tok-old', 'tok-new'],
      logName: 'upstash-tokens.log',
    });
    try {
      const statuses = await Promise.all(
        ['tok-old', 'tok-new', 'tok-other', 'tok-ol'].map((t) => ping(endpoint.url, t)),
      );

      expect(statuses).toEqual([200, 200, 401, 401]);
    } finally {
      await endpoint.stop();
    }
  });

  it('refuses to start without a token', async () => {
    const start = startUpstashRest(ctx(), {
      port: await freePort(),
      redisUrl: twin().redisUrl,
      tokens: [''],
      logName: 'upstash-no-token.log',
    });

    // The endpoint refuses an empty token with its usage line and exit code 2, before it opens the port.
    await expect(start).rejects.toThrow(/exited before it was ready \(code 2/);
  });
});
