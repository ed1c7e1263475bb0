/**
 * Types shared by the cache adapters, the origin wiring and the edge reader.
 */
import type { Cache } from '@envelop/response-cache';
import type { CacheScope } from '../manifest/types.js';
import type { CacheEntry } from './entry.js';

export type { Cache, CacheEntityRecord } from '@envelop/response-cache';

/**
 * What the origin puts in the GraphQL context (under `cacheContext`) for every request, from the verified edge
 * signature and the manifest entry. The same values, computed by the edge, give the same key.
 */
export interface CacheContext {
  tenant: string;
  /** Manifest id (sha256 of the persisted document). */
  operationId: string;
  /** Manifest `scope` of the operation: PRIVATE adds the subject to the key. */
  scope: CacheScope;
  /** Policy scope fingerprint of the caller (`functions/core/policy` `scopeFingerprint`). */
  scopeFingerprint: string;
  /** `manifest.schemaVersion`. */
  schemaVersion: string;
  /** JWT subject; required when `scope` is PRIVATE, ignored otherwise. */
  subject?: string | undefined;
}

/** A GraphQL context that carries a {@link CacheContext}. */
export interface WithCacheContext {
  cacheContext?: CacheContext | undefined;
}

/** One swallowed cache failure, handed to the caller's hook so it can count and log it. */
export interface CacheErrorReport {
  op: 'get' | 'set' | 'invalidate';
  tenant: string;
  /** The entry key for get/set; absent for invalidate. */
  key?: string;
  error: unknown;
}

/** Hook for swallowed failures; it must not throw (a throw is ignored). */
export type OnCacheError = (report: CacheErrorReport) => void;

/**
 * A store of tenant-scoped caches. envelop's `Cache.invalidate` receives only entities, never a tenant, so the origin
 * hands envelop one `Cache` per request, bound to the caller's tenant (`cache: (ctx) => store.forTenant(…)`).
 */
export interface TenantCacheStore {
  /** The envelop `Cache` bound to `tenant`: it reads/writes only keys under that tenant's prefix. */
  forTenant(tenant: string): Cache;
  /** The raw stored entry (fresh or stale), for tests and tools; undefined when absent. */
  readEntry(key: string): Promise<CacheEntry | undefined>;
}
