import { Redis } from '@upstash/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { fromScriptReply, lookupScriptForTests } from '../cache-read.js';
import { undiciRequester } from './upstash-undici.js';

describe('the Node adapter Upstash transport (undici keep-alive pool) against the real endpoint', () => {
  const requester = undiciRequester({ url: twin().upstashUrl, token: twin().upstashToken, connections: 4 });
  const redis = new Redis(requester);
  afterAll(() => requester.close());

  it('runs single commands, scripts and auto-pipelined batches with UTF-8 replies', async () => {
    const k = testTenant('undici');
    await redis.set(`${k}:s`, 'héllo ✓ 日本語');
    const [s, n, script] = await Promise.all([
      redis.get<string>(`${k}:s`),
      redis.incr(`${k}:n`),
      redis.eval<[string], unknown>("return {1, 'two', ARGV[1]}", [], ['three']),
    ]);
    expect(s).toBe('héllo ✓ 日本語');
    expect(n).toBe(1);
    expect(script).toEqual([1, 'two', 'three']);
  });

  it('turns an error answer into a rejection that names the command, and keeps working after it', async () => {
    const k = testTenant('undici-err');
    await redis.set(`${k}:a`, 'x');
    await expect(redis.incr(`${k}:a`)).rejects.toThrow(/not an integer.*command was/);
    expect(await redis.get(`${k}:a`)).toBe('x');
  });

  it('refuses a wrong token with the endpoint 401 as a rejection', async () => {
    const bad = undiciRequester({ url: twin().upstashUrl, token: 'wrong-token' });
    await expect(new Redis(bad).get('x')).rejects.toThrow(/Unauthorized/);
    await bad.close();
  });

  it('serves a stored entry through the edge read script as the stored body bytes', async () => {
    const k = testTenant('undici-entry');
    const body = '{"data":{"entity":{"id":"e1","name":"Ünïcødé \\"quoted\\" 🚀"}}}';
    const entry = { v: 1, body, storedAt: 1_764_979_200_123, ttlMs: 60_000, swrMs: 5_000, etag: 'W/"abc"', tags: [] };
    await redis.set(`${k}:e`, JSON.stringify(entry));
    const reply = await redis.eval(lookupScriptForTests, [`${k}:e`], []);
    expect(fromScriptReply(reply)).toEqual({
      body,
      storedAt: entry.storedAt,
      ttlMs: 60_000,
      swrMs: 5_000,
      etag: 'W/"abc"',
    });
    await redis.set(`${k}:old`, JSON.stringify({ ...entry, v: 0 }));
    expect(fromScriptReply(await redis.eval(lookupScriptForTests, [`${k}:old`], []))).toBeUndefined();
    expect(await redis.eval(lookupScriptForTests, [`${k}:none`], [])).toBeNull();
  });
});
