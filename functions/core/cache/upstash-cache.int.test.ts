import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { isFresh } from './entry.js';
import { CacheUnavailableError } from './errors.js';
import { type CacheKeyInput, cacheKey, tagSetKey } from './key.js';
import type { CacheErrorReport } from './types.js';
import { createUpstashCache, readEntry } from './upstash-cache.js';

const redis = () => new Redis({ url: twin().upstashUrl, token: twin().upstashToken });

const keyFor = (tenant: string, id: string, over: Partial<CacheKeyInput> = {}) =>
  cacheKey({
    tenant,
    operationId: 'op-entity',
    variables: { id },
    scopeFingerprint: 'fp',
    schemaVersion: 'sv',
    scope: 'PUBLIC',
    ...over,
  });

const entityResult = (id: string, name: string) => ({ data: { entity: { __typename: 'Entity', id, names: [name] } } });
const tag = (id: string) => [{ typename: 'Entity', id }];

describe('upstash cache', () => {
  it('round-trips a unicode response and the edge reads the same entry', async () => {
    const tenant = testTenant('rt');
    const store = createUpstashCache(redis());
    const key = keyFor(tenant, 'e1');
    const result = entityResult('e1', 'Zoë ✓ 日本語 🚀 "quoted" \\ back');

    await store.forTenant(tenant).set(key, result, tag('e1'), 60_000);
    const got = await store.forTenant(tenant).get(key);
    const entry = await readEntry(redis(), key);

    expect(got).toEqual(result);
    expect(entry?.body).toBe(JSON.stringify(result));
    expect(entry && isFresh(entry, Date.now())).toBe(true);
    expect(entry?.etag).toMatch(/^W\/"[0-9a-f]{16}"$/);
  });

  it('invalidates exactly the affected entries of that tenant and no other tenant', async () => {
    const [ta, tb] = [testTenant('inv-a'), testTenant('inv-b')];
    const store = createUpstashCache(redis());
    const [a, b] = [store.forTenant(ta), store.forTenant(tb)];
    const a1 = keyFor(ta, 'e1');
    const a1b = keyFor(ta, 'e1', { operationId: 'op-neighbors' });
    const a2 = keyFor(ta, 'e2');
    const b1 = keyFor(tb, 'e1');
    await a.set(a1, entityResult('e1', 'A'), tag('e1'), 60_000);
    await a.set(a1b, entityResult('e1', 'A'), [...tag('e1'), ...tag('e3')], 60_000);
    await a.set(a2, entityResult('e2', 'A2'), tag('e2'), 60_000);
    await b.set(b1, entityResult('e1', 'B'), tag('e1'), 60_000);

    await a.invalidate(tag('e1'));

    const r = redis();
    expect(await r.exists(a1, a1b)).toBe(0);
    expect(await r.exists(a2)).toBe(1);
    expect(await b.get(b1)).toEqual(entityResult('e1', 'B'));
    expect(await r.exists(tagSetKey(ta, 'Entity:e1'))).toBe(0);
    expect(await r.smembers(tagSetKey(tb, 'Entity:e1'))).toEqual([b1]);
  });

  it('sets a TTL on the entry and on its tag sets, never shortening a tag set', async () => {
    const tenant = testTenant('ttl');
    const store = createUpstashCache(redis(), { swrMs: 5_000 });
    const [long, short] = [keyFor(tenant, 'long'), keyFor(tenant, 'short')];

    await store.forTenant(tenant).set(long, entityResult('x', 'L'), tag('x'), 60_000);
    await store.forTenant(tenant).set(short, entityResult('x', 'S'), tag('x'), 1_000);

    const r = redis();
    const [entryTtl, shortTtl, tagTtl] = await Promise.all([
      r.pttl(long),
      r.pttl(short),
      r.pttl(tagSetKey(tenant, 'Entity:x')),
    ]);
    expect(entryTtl).toBeGreaterThan(60_000);
    expect(entryTtl).toBeLessThanOrEqual(65_000);
    expect(shortTtl).toBeLessThanOrEqual(6_000);
    expect(tagTtl).toBeGreaterThan(60_000);
  });

  it('writes an entry with all its tag memberships in one store command', async () => {
    const tenant = testTenant('one');
    const sent: string[] = [];
    // Every client method the store calls (multi and pipeline would be one call each, holding many commands).
    const client = new Proxy(redis(), {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          sent.push(String(prop));
          return value.apply(target, args);
        };
      },
    });
    const store = createUpstashCache(client);
    const ids = Array.from({ length: 50 }, (_, i) => `e${i}`);

    await store.forTenant(tenant).set(
      keyFor(tenant, 'hood'),
      entityResult('e0', 'N'),
      ids.map((id) => tag(id)[0]!),
      60_000,
    );

    expect(sent).toEqual(['eval']);
    const r = redis();
    expect(await r.smembers(tagSetKey(tenant, 'Entity:e49'))).toEqual([keyFor(tenant, 'hood')]);
    expect(await r.pttl(tagSetKey(tenant, 'Entity:e49'))).toBeGreaterThan(60_000);
  });

  it('returns undefined within a bounded time when the store is down, and reports it', async () => {
    const errors: CacheErrorReport[] = [];
    const dead = new Redis({ url: 'http://127.0.0.1:9', token: 'x' });
    const store = createUpstashCache(dead, { timeoutMs: 300, onError: (e) => errors.push(e) });
    const tenant = testTenant('down');
    const key = keyFor(tenant, 'e1');

    const started = performance.now();
    const got = await store.forTenant(tenant).get(key);
    await store.forTenant(tenant).set(key, entityResult('e1', 'A'), tag('e1'), 60_000);
    await store.forTenant(tenant).invalidate(tag('e1'));
    const elapsed = performance.now() - started;

    expect(got).toBeUndefined();
    expect(elapsed).toBeLessThan(3_000);
    expect(errors.map((e) => e.op)).toEqual(['get', 'set', 'invalidate']);
    await expect(readEntry(dead, key, { timeoutMs: 300 })).rejects.toBeInstanceOf(CacheUnavailableError);
  });

  it('treats a value that is not an entry as a miss', async () => {
    const tenant = testTenant('junk');
    const key = keyFor(tenant, 'e1');
    await redis().set(key, 'not an entry', { px: 60_000 });

    expect(await readEntry(redis(), key)).toBeUndefined();
    expect(await createUpstashCache(redis()).forTenant(tenant).get(key)).toBeUndefined();
  });
});
