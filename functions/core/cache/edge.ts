/**
 * What the edge imports: key derivation, the entry helpers and the plain reader. Nothing here pulls in `node:fs`,
 * graphql or envelop, so the edge bundle stays small and runtime-neutral (Workers: use `cacheKeyAsync`, or
 * `cacheKey` with `nodejs_compat`; `entry.ts` hashes with `node:crypto` only in `etagOf`, which the edge never calls).
 */
export { ageSeconds, type CacheEntry, isFresh, isStaleServable, parseEntry } from './entry.js';
export { CacheUnavailableError } from './errors.js';
export { assertTenant, type CacheKeyInput, cacheKey, cacheKeyAsync, TENANT_PATTERN } from './key.js';
export { readEntry, type UpstashClient } from './upstash-cache.js';
