import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { twin } from './test-support/twin.js';
import { createUpstashRestServer } from './upstash-rest/server.js';

/** Status of a PING presenting `token`. */
async function ping(url: string, token: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '["PING"]' });
  await res.arrayBuffer();
  return res.status;
}

describe('upstash-rest tokens (staged rotation)', () => {
  it('accepts every configured token and refuses any other, including a prefix of one', async () => {
    const { server, redis } = createUpstashRestServer({ redisUrl: twin().redisUrl, token: ['tok-old', 'tok-new'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const statuses = await Promise.all(['tok-old', 'tok-new', 'tok-other', 'tok-ol'].map((t) => ping(url, t)));

      expect(statuses).toEqual([200, 200, 401, 401]);
    } finally {
      server.close();
      redis.close();
    }
  });

  it('refuses to start without a token', () => {
    expect(() => createUpstashRestServer({ redisUrl: twin().redisUrl, token: [] })).toThrow(/non-empty token/);
  });
});
