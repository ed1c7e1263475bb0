/**
 * The read side of the cache: key derivation, the entry helpers and the read-only Upstash reader. Nothing here pulls
 * in `node:fs`, graphql or envelop, so a reader's bundle (the edge) stays small and runtime-neutral (Workers: use
 * `cacheKeyAsync`, or `cacheKey` with `nodejs_compat`; `entry.ts` hashes with `node:crypto` only in `etagOf`, which
 * the edge never calls).
 */
export { ageSeconds, type CacheEntry, ENTRY_VERSION, isFresh, isStaleServable, parseEntry } from './entry.js';
export { CacheKeyError, CacheUnavailableError } from './errors.js';
export { assertTenant, type CacheKeyInput, cacheKey, cacheKeyAsync } from './key.js';
export { readEntry, type UpstashClient } from './upstash-cache.js';
