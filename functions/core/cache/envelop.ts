/**
 * Origin wiring: the options that make `@envelop/response-cache` use our key, our session and our tenant-bound store.
 *
 * Use envelop's `useResponseCache` directly in yoga's `plugins`, not `@graphql-yoga/plugin-response-cache`: the yoga
 * wrapper takes one `Cache` instance (its `invalidate` would get entities but no tenant) and looks up the client's
 * `If-None-Match` header as a raw cache key. envelop accepts `cache: (context) => Cache`, which we bind to the tenant.
 */
import type { BuildResponseCacheKeyFunction, Cache, UseResponseCacheParameter } from '@envelop/response-cache';
import { isTenant } from '../auth/tenant.js';
import { CacheKeyError } from './errors.js';
import { cacheKey } from './key.js';
import { type CachePolicyMaps, cachePolicyFromSchema } from './ttl.js';
import type { CacheContext, OnCacheError, TenantCacheStore, WithCacheContext } from './types.js';

const nonEmpty = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

/**
 * The caller's {@link CacheContext} from a GraphQL context, or undefined when absent or unusable (bad tenant, PRIVATE
 * without subject). Unusable means "do not cache", never "cache under a guess".
 */
export function readCacheContext(context: unknown): CacheContext | undefined {
  const c = (context as WithCacheContext | null | undefined)?.cacheContext;
  if (!c || !isTenant(c.tenant)) return undefined;
  if (!nonEmpty(c.operationId) || !nonEmpty(c.scopeFingerprint) || !nonEmpty(c.schemaVersion)) return undefined;
  if (c.scope !== 'PUBLIC' && c.scope !== 'PRIVATE') return undefined;
  if (c.scope === 'PRIVATE' && !nonEmpty(c.subject)) return undefined;
  return c;
}

/** envelop `enabled`: cache (and invalidate) only when the request carries a usable {@link CacheContext}. */
export function cacheEnabled(context: unknown): boolean {
  return readCacheContext(context) !== undefined;
}

/**
 * envelop `session`: tenant + policy scope fingerprint (+ subject for PRIVATE). Never null for an enabled request, so
 * envelop caches PRIVATE-hinted data — safe because the key then includes the subject.
 */
export function cacheSession(context: unknown): string | null {
  const c = readCacheContext(context);
  if (!c) return null;
  return [c.tenant, c.scopeFingerprint, ...(c.scope === 'PRIVATE' ? [c.subject] : [])].join('|');
}

/**
 * envelop `buildResponseCacheKey`: ignores envelop's document string and session id and derives the shared key
 * from the context and the raw variables, so the edge computes the identical key from the same request.
 */
export function createBuildResponseCacheKey(): BuildResponseCacheKeyFunction {
  return function buildResponseCacheKey({ variableValues, context }) {
    const c = readCacheContext(context);
    // `enabled` keeps envelop from getting here without a context; reaching it anyway is a wiring bug.
    if (!c) throw new CacheKeyError('response cache reached without a usable cacheContext');
    return cacheKey({ ...c, variables: variableValues as Record<string, unknown> | undefined });
  };
}

const disabledCache: Cache = { get: () => undefined, set: () => undefined, invalidate: () => undefined };

/** The cache writes (entry writes; evictions, though envelop starts none for us) each request started, by request. */
const writesOf = new WeakMap<object, Promise<void>[]>();

/** Longest an answer waits for its cache writes: a slow or unreachable store must cost a miss, not the caller's time. */
export const settleWaitMs = 100;

/**
 * Waits for the cache writes `request` started (none: at once), at most `maxWaitMs`. envelop starts an entry write
 * after execution and does not wait for it; the origin waits here before it answers, because a Lambda is frozen once
 * it has answered, which would leave the write unsent, and because a client that repeats a request right after the
 * answer must find the entry. Never rejects: the store reports its own failures.
 */
export async function settleCacheWrites(request: object, maxWaitMs = settleWaitMs): Promise<void> {
  const writes = writesOf.get(request);
  if (!writes) return;
  writesOf.delete(request);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxWaitMs);
  });
  await Promise.race([Promise.all(writes), bound]).finally(() => clearTimeout(timer));
}

/** The tenant's cache, with its writes tracked under the context's `request` (see {@link settleCacheWrites}). */
function trackedCache(cache: Cache, request: object): Cache {
  const track = (write: void | Promise<void>) => {
    if (!write) return;
    const writes = writesOf.get(request) ?? [];
    writes.push(write.catch(() => undefined));
    writesOf.set(request, writes);
  };
  return {
    get: (key) => cache.get(key),
    set: (...args) => track(cache.set(...args)),
    invalidate: (entities) => track(cache.invalidate(entities)),
  };
}

/**
 * envelop `cache` factory: the store bound to the request's tenant (a no-op cache when there is none), its writes
 * tracked by the context's `request` when it has one (yoga's context does).
 */
export function cacheForContext(store: TenantCacheStore, onError?: OnCacheError): (context: unknown) => Cache {
  return (context) => {
    const c = readCacheContext(context);
    if (c) {
      const cache = store.forTenant(c.tenant);
      const request = (context as { request?: unknown }).request;
      return request && typeof request === 'object' ? trackedCache(cache, request) : cache;
    }
    onError?.({ op: 'get', tenant: '', error: new CacheKeyError('no usable cacheContext; cache disabled') });
    return disabledCache;
  };
}

/**
 * All `useResponseCache` options that define graphgate's cache contract.
 * @example yoga plugins: [useResponseCache(responseCacheOptions({ store: createUpstashCache(redis) }))]
 */
export function responseCacheOptions(args: {
  store: TenantCacheStore;
  policy?: CachePolicyMaps;
  onError?: OnCacheError;
}): UseResponseCacheParameter<WithCacheContext & Record<string, unknown>> {
  const policy = args.policy ?? cachePolicyFromSchema();
  return {
    cache: cacheForContext(args.store, args.onError),
    session: cacheSession,
    enabled: cacheEnabled,
    buildResponseCacheKey: createBuildResponseCacheKey(),
    // Only hinted coordinates are cached: an unhinted result gets envelop's global ttl, which we set to 0 (no cache).
    ttl: 0,
    ttlPerSchemaCoordinate: { ...policy.ttlPerSchemaCoordinate },
    scopePerSchemaCoordinate: { ...policy.scopePerSchemaCoordinate },
    // envelop's default logs a warning per errored result; not caching errors is the behaviour we want, silently.
    shouldCacheResult: ({ result }) => !result.errors?.length,
  };
}

/**
 * Explicit invalidation for writes whose touched entities are not all in the mutation's response (a merged-away id):
 * evicts `Entity:<id>` entries of `tenant` only. Store failures go to `onError`; only an invalid tenant throws.
 * @example const invalidate = entityInvalidator(store); await invalidate('acme', ['e1', 'e2']);
 */
export function entityInvalidator(store: TenantCacheStore): (tenant: string, entityIds: string[]) => Promise<void> {
  return async (tenant, entityIds) => {
    if (entityIds.length === 0) return;
    await store.forTenant(tenant).invalidate(entityIds.map((id) => ({ typename: 'Entity', id })));
  };
}
