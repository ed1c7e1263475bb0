import { useResponseCache } from '@envelop/response-cache';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import {
  cacheSession,
  entityInvalidator,
  readCacheContext,
  responseCacheOptions,
  settleCacheWrites,
  settleWaitMs,
} from './envelop.js';
import { cacheKey } from './key.js';
import { createMemoryBackend, createMemoryCache } from './memory-cache.js';
import { createTenantCacheStore } from './tenant-cache.js';
import { cachePolicyFromSchema } from './ttl.js';
import type { CacheContext, TenantCacheStore } from './types.js';

const typeDefs = /* GraphQL */ `
  directive @cacheControl(maxAge: Int!, scope: CacheScope = PUBLIC) on FIELD_DEFINITION | OBJECT
  enum CacheScope {
    PUBLIC
    PRIVATE
  }
  type Entity @cacheControl(maxAge: 300) {
    id: ID!
    name: String!
  }
  type Query {
    entity(id: ID!): Entity @cacheControl(maxAge: 60)
  }
  type Mutation {
    rename(id: ID!, name: String!): Entity!
  }
`;

const QUERY = 'query E($id: ID!) { entity(id: $id) { id name } }';
const MUTATION = 'mutation R($id: ID!, $name: String!) { rename(id: $id, name: $name) { id name } }';

/**
 * A yoga origin over per-tenant in-memory data, wired with our cache options; counts resolver calls. `store` and
 * `settle` (the origin's wait for its cache writes before it answers) can be swapped.
 */
function origin({ store = createMemoryCache(), settle = false }: { store?: TenantCacheStore; settle?: boolean } = {}) {
  const data: Record<string, Record<string, string>> = { 'tenant-a': { e1: 'Alpha' }, 'tenant-b': { e1: 'Bravo' } };
  const calls = { entity: 0 };
  const schema = createSchema<{ cacheContext: CacheContext }>({
    typeDefs,
    resolvers: {
      Query: {
        entity: (_: unknown, { id }: { id: string }, ctx: { cacheContext?: CacheContext }) => {
          calls.entity++;
          const name = data[ctx.cacheContext?.tenant ?? 'tenant-a']?.[id];
          return name === undefined ? null : { id, name };
        },
      },
      Mutation: {
        rename: (_: unknown, a: { id: string; name: string }, ctx: { cacheContext: CacheContext }) => {
          data[ctx.cacheContext.tenant]![a.id] = a.name;
          return { id: a.id, name: a.name };
        },
      },
    },
  });
  const yoga = createYoga({
    schema,
    // In the real origin these come from the verified edge signature and the manifest entry.
    context: ({ request }) => {
      const tenant = request.headers.get('x-tenant');
      if (!tenant) return {};
      const operationId = request.headers.get('x-op') ?? 'op';
      const cacheContext: CacheContext = {
        tenant,
        operationId,
        scope: 'PUBLIC',
        scopeFingerprint: 'fp',
        schemaVersion: 'sv',
      };
      return { cacheContext };
    },
    plugins: [
      useResponseCache(responseCacheOptions({ store, policy: cachePolicyFromSchema(schema) })),
      ...(settle ? [{ onResponse: ({ request }: { request: Request }) => settleCacheWrites(request) }] : []),
    ],
  });
  const post = (tenant: string | null, query: string, variables: Record<string, unknown>, op = 'op') =>
    yoga.fetch('http://origin/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(tenant ? { 'x-tenant': tenant, 'x-op': op } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  return { post, calls, store };
}

const edgeKey = (tenant: string, variables: Record<string, unknown>, operationId = 'op') =>
  cacheKey({ tenant, operationId, variables, scope: 'PUBLIC', scopeFingerprint: 'fp', schemaVersion: 'sv' });

describe('envelop wiring', () => {
  it('serves the second read from the cache under the key the edge computes, with the same body', async () => {
    const o = origin();

    const first = await o.post('tenant-a', QUERY, { id: 'e1' });
    const firstBody = await first.text();
    const second = await o.post('tenant-a', QUERY, { id: 'e1' });
    const entry = await o.store.readEntry(edgeKey('tenant-a', { id: 'e1' }));

    expect(o.calls.entity).toBe(1);
    expect(await second.json()).toEqual({ data: { entity: { id: 'e1', name: 'Alpha' } } });
    expect(entry?.body).toBe(firstBody);
    // The shortest hint wins: Query.entity 60 s beats Entity 300 s.
    expect(entry?.ttlMs).toBe(60_000);
    expect(entry?.tags).toEqual(['Entity', 'Entity:e1']);
  });

  it('never serves one tenant the entry of another', async () => {
    const o = origin();
    await o.post('tenant-a', QUERY, { id: 'e1' });

    const b = await o.post('tenant-b', QUERY, { id: 'e1' });

    expect(o.calls.entity).toBe(2);
    expect(await b.json()).toEqual({ data: { entity: { id: 'e1', name: 'Bravo' } } });
  });

  it('invalidates the entity in the mutating tenant only', async () => {
    const o = origin();
    await o.post('tenant-a', QUERY, { id: 'e1' });
    await o.post('tenant-b', QUERY, { id: 'e1' });

    await o.post('tenant-a', MUTATION, { id: 'e1', name: 'Alpha 2' }, 'op-rename');
    const a = await o.post('tenant-a', QUERY, { id: 'e1' });
    const b = await o.post('tenant-b', QUERY, { id: 'e1' });

    expect(await a.json()).toEqual({ data: { entity: { id: 'e1', name: 'Alpha 2' } } });
    expect(await b.json()).toEqual({ data: { entity: { id: 'e1', name: 'Bravo' } } });
    expect(o.calls.entity).toBe(3);
    expect(await o.store.readEntry(edgeKey('tenant-b', { id: 'e1' }))).toBeDefined();
  });

  it('answers only once the entry write it started has finished, when the origin waits for it', async () => {
    // Prepare: a store whose writes take 50 ms, like a round trip to Upstash under load
    const backend = createMemoryBackend();
    const slow = {
      ...backend,
      write: async (...args: Parameters<typeof backend.write>) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return backend.write(...args);
      },
    };
    const store = () => createTenantCacheStore(slow);
    const waiting = origin({ store: store(), settle: true });
    const notWaiting = origin({ store: store(), settle: false });

    // Act
    await (await waiting.post('tenant-a', QUERY, { id: 'e1' })).text();
    const afterWaiting = await backend.read(edgeKey('tenant-a', { id: 'e1' }));
    await (await notWaiting.post('tenant-b', QUERY, { id: 'e1' })).text();
    const afterNotWaiting = await backend.read(edgeKey('tenant-b', { id: 'e1' }));

    // Assess: without the wait the answer comes before the entry exists (what the edge test saw as MISS, MISS)
    expect(afterWaiting).toBeDefined();
    expect(afterNotWaiting).toBeUndefined();
  });

  it('waits for a slow store at most settleWaitMs: an outage costs a miss, not the time of the caller', async () => {
    const backend = createMemoryBackend();
    const stalled = { ...backend, write: () => new Promise<void>(() => {}) };
    const o = origin({ store: createTenantCacheStore(stalled, { timeoutMs: 60_000 }), settle: true });

    const started = performance.now();
    const res = await o.post('tenant-a', QUERY, { id: 'e1' });
    const ms = performance.now() - started;

    expect(await res.json()).toEqual({ data: { entity: { id: 'e1', name: 'Alpha' } } });
    expect(ms).toBeGreaterThanOrEqual(settleWaitMs - 5);
    expect(ms).toBeLessThan(settleWaitMs + 1_000);
  });

  it('does not cache a request without a cache context', async () => {
    const o = origin();

    await o.post(null, QUERY, { id: 'e1' });
    await o.post(null, QUERY, { id: 'e1' });

    expect(o.calls.entity).toBe(2);
  });
});

describe('session and context', () => {
  const ctx = (over: Partial<CacheContext>) => ({
    cacheContext: {
      tenant: 'acme',
      operationId: 'op',
      scope: 'PUBLIC',
      scopeFingerprint: 'fp',
      schemaVersion: 'sv',
      ...over,
    } as CacheContext,
  });

  it('is tenant + scope fingerprint, plus the subject only for PRIVATE', () => {
    expect(cacheSession(ctx({ subject: 'alice' }))).toBe('acme|fp');
    expect(cacheSession(ctx({ scope: 'PRIVATE', subject: 'alice' }))).toBe('acme|fp|alice');
  });

  it('treats an unusable context as no cache', () => {
    expect(readCacheContext(ctx({ tenant: 'a:b' }))).toBeUndefined();
    expect(readCacheContext(ctx({ scope: 'PRIVATE' }))).toBeUndefined();
    expect(readCacheContext({})).toBeUndefined();
    expect(cacheSession({})).toBeNull();
  });
});

describe('entityInvalidator', () => {
  it('evicts the entities of one tenant only', async () => {
    const store = createMemoryCache();
    const [ka, kb] = [edgeKey('tenant-a', { id: 'e1' }), edgeKey('tenant-b', { id: 'e1' })];
    await store.forTenant('tenant-a').set(ka, { data: {} }, [{ typename: 'Entity', id: 'e1' }], 60_000);
    await store.forTenant('tenant-b').set(kb, { data: {} }, [{ typename: 'Entity', id: 'e1' }], 60_000);

    await entityInvalidator(store)('tenant-a', ['e1']);

    expect(await store.readEntry(ka)).toBeUndefined();
    expect(await store.readEntry(kb)).toBeDefined();
  });
});
