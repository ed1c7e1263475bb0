import { describe, expect, it } from 'vitest';
import { type CacheKeyInput, cacheKey, tagSetKey } from './key.js';
import { createMemoryCache } from './memory-cache.js';
import type { CacheErrorReport } from './types.js';

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

const result = (id: string) => ({ data: { entity: { id, names: ['Ünïcode ✓'] } } });

/** A store with a hand-driven clock and its error reports. */
function setup(options: { swrMs?: number; maxTtlMs?: number } = {}) {
  let clock = 1_700_000_000_000;
  const errors: CacheErrorReport[] = [];
  const store = createMemoryCache({ ...options, now: () => clock, onError: (r) => errors.push(r) });
  return { store, errors, advance: (ms: number) => (clock += ms) };
}

describe('memory cache (envelop Cache semantics)', () => {
  it('returns what was set while fresh', async () => {
    const { store } = setup();
    const cache = store.forTenant('acme');
    const key = keyFor('acme', 'e1');

    await cache.set(key, result('e1'), [{ typename: 'Entity', id: 'e1' }], 10_000);

    expect(await cache.get(key)).toEqual(result('e1'));
  });

  it('stops serving at the TTL but keeps the entry for the stale window, then drops it', async () => {
    const { store, advance } = setup({ swrMs: 5_000 });
    const cache = store.forTenant('acme');
    const key = keyFor('acme', 'e1');
    await cache.set(key, result('e1'), [], 10_000);

    advance(10_000);
    const staleGet = await cache.get(key);
    const staleRead = await store.readEntry(key);
    advance(5_000);
    const goneRead = await store.readEntry(key);

    expect(staleGet).toBeUndefined();
    expect(staleRead?.body).toBe(JSON.stringify(result('e1')));
    expect(goneRead).toBeUndefined();
  });

  it('invalidates exactly the entries that contain the entity, in that tenant only', async () => {
    const { store } = setup();
    const a = store.forTenant('tenant-a');
    const b = store.forTenant('tenant-b');
    const [a1, a2, b1] = [keyFor('tenant-a', 'e1'), keyFor('tenant-a', 'e2'), keyFor('tenant-b', 'e1')];
    await a.set(a1, result('e1'), [{ typename: 'Entity', id: 'e1' }], 60_000);
    await a.set(a2, result('e2'), [{ typename: 'Entity', id: 'e2' }], 60_000);
    await b.set(b1, result('e1'), [{ typename: 'Entity', id: 'e1' }], 60_000);

    await a.invalidate([{ typename: 'Entity', id: 'e1' }]);

    expect(await a.get(a1)).toBeUndefined();
    expect(await a.get(a2)).toEqual(result('e2'));
    expect(await b.get(b1)).toEqual(result('e1'));
    expect(store.backend.members(tagSetKey('tenant-a', 'Entity:e1'))).toEqual([]);
    expect(store.backend.members(tagSetKey('tenant-b', 'Entity:e1'))).toEqual([b1]);
  });

  it('invalidates every entry of a type on a type-level record, like envelop', async () => {
    const { store } = setup();
    const a = store.forTenant('acme');
    const [k1, k2] = [keyFor('acme', 'e1'), keyFor('acme', 'e2')];
    await a.set(k1, result('e1'), [{ typename: 'Entity', id: 'e1' }], 60_000);
    await a.set(k2, result('e2'), [{ typename: 'Entity', id: 'e2' }], 60_000);

    await a.invalidate([{ typename: 'Entity' }]);

    expect(await a.get(k1)).toBeUndefined();
    expect(await a.get(k2)).toBeUndefined();
  });

  it('refuses keys outside its tenant on get and set', async () => {
    const { store, errors } = setup();
    const b = store.forTenant('tenant-b');
    const foreign = keyFor('tenant-a', 'e1');
    await store.forTenant('tenant-a').set(foreign, result('e1'), [], 60_000);

    await b.set(foreign, result('evil'), [], 60_000);
    const got = await b.get(foreign);

    expect(got).toBeUndefined();
    expect(await store.forTenant('tenant-a').get(foreign)).toEqual(result('e1'));
    expect(errors.map((e) => e.op)).toEqual(['set', 'get']);
  });

  it('clamps an infinite TTL and skips a zero TTL', async () => {
    const { store } = setup({ maxTtlMs: 1_000, swrMs: 0 });
    const cache = store.forTenant('acme');
    const [k1, k2] = [keyFor('acme', 'e1'), keyFor('acme', 'e2')];

    await cache.set(k1, result('e1'), [], Number.POSITIVE_INFINITY);
    await cache.set(k2, result('e2'), [], 0);

    expect((await store.readEntry(k1))?.ttlMs).toBe(1_000);
    expect(await store.readEntry(k2)).toBeUndefined();
  });

  it('keeps a tag set alive as long as its longest-lived member', async () => {
    const { store, advance } = setup({ swrMs: 0 });
    const cache = store.forTenant('acme');
    const [long, short] = [keyFor('acme', 'long'), keyFor('acme', 'short')];
    const tag = [{ typename: 'Entity', id: 'x' }];
    await cache.set(long, result('long'), tag, 60_000);
    await cache.set(short, result('short'), tag, 1_000);

    advance(30_000);
    await cache.invalidate(tag);

    expect(await cache.get(long)).toBeUndefined();
  });

  it('stores the wire body without extensions.http', async () => {
    const { store } = setup();
    const cache = store.forTenant('acme');
    const key = keyFor('acme', 'e1');

    await cache.set(key, { ...result('e1'), extensions: { http: { headers: { ETag: key } } } }, [], 60_000);

    expect((await store.readEntry(key))?.body).toBe(JSON.stringify(result('e1')));
  });

  it('fails open: a broken store gives misses and reports, never throws', async () => {
    const { store, errors } = setup();
    const cache = store.forTenant('acme');
    const key = keyFor('acme', 'e1');
    store.backend.failing = true;

    await expect(cache.get(key)).resolves.toBeUndefined();
    await expect(cache.set(key, result('e1'), [], 60_000)).resolves.toBeUndefined();
    await expect(cache.invalidate([{ typename: 'Entity', id: 'e1' }])).resolves.toBeUndefined();
    expect(errors.map((e) => e.op)).toEqual(['get', 'set', 'invalidate']);
  });

  it('survives an error hook that throws', async () => {
    const store = createMemoryCache({
      onError: () => {
        throw new Error('hook broke');
      },
    });
    store.backend.failing = true;

    await expect(store.forTenant('acme').get(keyFor('acme', 'e1'))).resolves.toBeUndefined();
  });
});
