import { createHash } from 'node:crypto';
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

  it('serves the path form: URL-decoded segments, a POST body as the last argument, then query parameters', async () => {
    // Prepare
    const k = testTenant('path');
    const auth = { authorization: `Bearer ${twin().upstashToken}` };
    const key = encodeURIComponent(`${k}:a/b c`);

    // Act
    const set = await fetch(`${twin().upstashUrl}/set/${key}?EX=100`, {
      method: 'POST',
      headers: auth,
      body: '{"v":1}',
    });
    const get = await fetch(`${twin().upstashUrl}/get/${key}`, { headers: auth });
    const ttl = await fetch(`${twin().upstashUrl}/TTL/${key}`, { headers: auth });

    // Assess
    expect(await set.json()).toEqual({ result: 'OK' });
    expect(await get.json()).toEqual({ result: '{"v":1}' });
    expect(await ttl.json()).toEqual({ result: 100 });
  });

  it('accepts the token as ?_token= instead of the Authorization header', async () => {
    const ok = await fetch(`${twin().upstashUrl}/ping?_token=${encodeURIComponent(twin().upstashToken)}`);
    const wrong = await fetch(`${twin().upstashUrl}/ping?_token=nope`);
    expect(await ok.json()).toEqual({ result: 'PONG' });
    expect(wrong.status).toBe(401);
  });

  it('takes JSON null, booleans and numbers as arguments by their JSON text and refuses objects by position', async () => {
    const k = testTenant('args');
    const auth = { authorization: `Bearer ${twin().upstashToken}` };
    const call = (body: unknown) =>
      fetch(twin().upstashUrl, { method: 'POST', headers: auth, body: JSON.stringify(body) });

    const set = await call(['RPUSH', k, null, true, 1.5, -0, 10]);
    const list = await (await call(['LRANGE', k, 0, -1])).json();
    const refused = await call(['SET', `${k}:o`, { a: 1 }]);

    expect(await set.json()).toEqual({ result: 5 });
    expect(list).toEqual({ result: ['null', 'true', '1.5', '0', '10'] });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatch(/^body\[2\]: .*got object/);
  });

  it('refuses commands that would block or change the shared connection', async () => {
    const auth = { authorization: `Bearer ${twin().upstashToken}` };
    for (const command of [['BLPOP', 'q', '0'], ['subscribe', 'c'], ['CLIENT', 'REPLY', 'OFF'], ['MULTI']]) {
      const res = await fetch(twin().upstashUrl, { method: 'POST', headers: auth, body: JSON.stringify(command) });
      expect(res.status, command.join(' ')).toBe(400);
    }
    const after = await fetch(twin().upstashUrl, { method: 'POST', headers: auth, body: '["PING"]' });
    expect(await after.json()).toEqual({ result: 'PONG' });
  });

  it('runs a script with the Upstash-only allow-key-locking flag, by EVAL and by the client sha', async () => {
    const r = redis();
    const script = `#!lua flags=allow-key-locking\nreturn {ARGV[1], '${testTenant('lua')}'}`;

    const sha = await r.scriptLoad(script);
    const byEval = await r.eval<[string], string[]>(script, [], ['x']);
    const bySha = await r.evalsha<[string], string[]>(sha, [], ['y']);

    expect(sha).toBe(createHash('sha1').update(script).digest('hex'));
    expect(byEval[0]).toBe('x');
    expect(bySha[0]).toBe('y');
  });

  it('answers a body over the cap with 413 before it closes the connection', async () => {
    const auth = { authorization: `Bearer ${twin().upstashToken}` };
    const huge = JSON.stringify(['SET', testTenant('huge'), 'x'.repeat(11 * 1024 * 1024)]);
    const res = await fetch(twin().upstashUrl, { method: 'POST', headers: auth, body: huge });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/larger than \d+ bytes/);
  });
});
