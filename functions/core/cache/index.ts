/**
 * Tenant-scoped response cache: the shared key, the stored entry, the envelop `Cache` adapters and the origin wiring.
 * Readers that must stay runtime-neutral (the edge) import `./reader.js`: key, entry helpers and `readEntry` only.
 */
export { ageSeconds, type CacheEntry, etagOf, isFresh, isStaleServable, parseEntry, storeTtlMs } from './entry.js';
export {
  cacheEnabled,
  cacheForContext,
  cacheSession,
  createBuildResponseCacheKey,
  entityInvalidator,
  readCacheContext,
  responseCacheOptions,
  settleCacheWrites,
} from './envelop.js';
export { CacheError, type CacheErrorCode, CacheKeyError, CacheUnavailableError } from './errors.js';
export {
  assertTenant,
  type CacheKeyInput,
  cacheKey,
  cacheKeyAsync,
  tagSetKey,
  tenantPrefix,
} from './key.js';
export { createMemoryCache } from './memory-cache.js';
export { type CacheBackend, createTenantCacheStore, type TenantCacheOptions } from './tenant-cache.js';
export { type CachePolicyMaps, cachePolicyFromSchema } from './ttl.js';
export type { CacheContext, CacheErrorReport, OnCacheError, TenantCacheStore, WithCacheContext } from './types.js';
export { createUpstashCache, readEntry, type UpstashClient, type UpstashStoreClient } from './upstash-cache.js';
