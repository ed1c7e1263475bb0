import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { testTenant, twin } from './test-support/twin.js';

/** The unmodified client with its defaults: auto-pipelining and base64 response encoding. */
const redis = () => new Redis({ url: twin().upstashUrl, token: twin().upstashToken });

describe('upstash-rest twin', () => {
  it('sets and gets binary-looking and unicode strings through the default client', async () => {
    const r = redis();
    const k = testTenant('up');
    const values = ['héllo wörld ✓ 日本語 🚀', '\u0000\u0001\u00ff binary-ish', 'T0s=', 'OK', '{"json":"looking"}'];
    for (const [i, v] of values.entries()) await r.set(`${k}:${i}`, v);

    const got = await Promise.all(values.map((_, i) => r.get<string>(`${k}:${i}`)));

    // The client JSON-parses what it can; a JSON-looking value comes back as an object.
    expect(got.slice(0, 4)).toEqual(values.slice(0, 4));
    expect(got[4]).toEqual({ json: 'looking' });
  });

  it('runs an explicit pipeline with a per-item error', async () => {
    const r = redis();
    const k = testTenant('pipe');
    const p = r.pipeline();
    p.set(`${k}:a`, 'x');
    p.incr(`${k}:n`);
    p.incr(`${k}:a`); // not an integer: this item fails, the others succeed

    const results = await p.exec({ keepErrors: true });

    expect(results[0]).toMatchObject({ result: 'OK' });
    expect(results[1]).toMatchObject({ result: 1 });
    expect((results[2] as { error?: string }).error).toMatch(/not an integer/);
  });

  it('runs multi() as one transaction', async () => {
    const r = redis();
    const k = testTenant('multi');
    const tx = r.multi();
    tx.sadd(`${k}:s`, 'a', 'b');
    tx.scard(`${k}:s`);
    tx.smembers(`${k}:s`);

    const [added, card, members] = await tx.exec<[number, number, string[]]>();

    expect(added).toBe(2);
    expect(card).toBe(2);
    expect([...members].sort()).toEqual(['a', 'b']);
  });

  it('maps a Redis error reply to an error the client throws', async () => {
    const r = redis();
    const k = testTenant('err');
    await r.set(k, 'not a list');
    await expect(r.lpush(k, 'x')).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses requests without or with a wrong bearer token', async () => {
    const missing = await fetch(twin().upstashUrl, { method: 'POST', body: '["PING"]' });
    const wrong = await fetch(twin().upstashUrl, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: '["PING"]',
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toHaveProperty('error');
    expect(wrong.status).toBe(401);
  });

  it('answers malformed bodies with 400 JSON errors', async () => {
    const auth = { authorization: `Bearer ${twin().upstashToken}` };
    const bad = await fetch(twin().upstashUrl, { method: 'POST', headers: auth, body: '{not json' });
    const empty = await fetch(`${twin().upstashUrl}/pipeline`, { method: 'POST', headers: auth, body: '[]' });
    expect(bad.status).toBe(400);
    expect(empty.status).toBe(400);
    expect((await bad.json()).error).toMatch(/JSON/);
  });
});
