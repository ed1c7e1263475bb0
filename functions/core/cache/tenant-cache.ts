/**
 * The envelop `Cache` semantics shared by both adapters: tenant binding, TTL clamping, freshness, fail-open errors.
 * Adapters only implement {@link CacheBackend} (how bytes reach a store); this file decides what a hit is.
 */
import type { Cache, CacheEntityRecord } from '@envelop/response-cache';
import type { ExecutionResult } from 'graphql';
import { withTimeout as boundedBy } from '../timeout.js';
import { type CacheEntry, createEntry, invalidationTag, isFresh, tagsOf } from './entry.js';
import { CacheUnavailableError } from './errors.js';
import { assertTenant, keyBelongsTo, tagSetKey } from './key.js';
import type { OnCacheError, TenantCacheStore } from './types.js';

/** The storage port: two adapters (Upstash, memory). Every method rejects on store failure; none decides policy. */
export interface CacheBackend {
  /** The stored entry (fresh or stale) or undefined. */
  read(key: string): Promise<CacheEntry | undefined>;
  /** Stores `entry` under `key` for `storeTtlMs(entry)` and adds `key` to each tag set, atomically. */
  write(key: string, entry: CacheEntry, tagSetKeys: string[]): Promise<void>;
  /** Deletes every key listed in the tag sets, and those memberships. */
  evict(tagSetKeys: string[]): Promise<void>;
}

/** Tuning of a tenant cache store; every field has a default. */
export interface TenantCacheOptions {
  /** Stale-while-revalidate window added after each TTL. Default 30 s. */
  swrMs?: number;
  /** Upper bound for envelop's TTL (its default global TTL is Infinity; Redis needs a bound). Default 1 h. */
  maxTtlMs?: number;
  /** Bound on every store call; past it the call counts as unavailable. Default 500 ms. */
  timeoutMs?: number;
  /** Called once per swallowed failure (count it, log it). */
  onError?: OnCacheError;
  /** Clock, for tests. */
  now?: () => number;
}

export const DEFAULT_SWR_MS = 30_000;
export const DEFAULT_MAX_TTL_MS = 3_600_000;
export const DEFAULT_TIMEOUT_MS = 500;

/**
 * The wire body of a result: `extensions.http` is transport metadata for the origin's own response (yoga turns it into
 * headers) and must not reach clients from the edge, so it is dropped; empty `extensions` go too.
 */
export function serializeResult(result: ExecutionResult): string {
  const { extensions, ...rest } = result;
  if (!extensions) return JSON.stringify(rest);
  const { http: _http, ...kept } = extensions as Record<string, unknown>;
  return JSON.stringify(Object.keys(kept).length > 0 ? { ...rest, extensions: kept } : rest);
}

/** Rejects with {@link CacheUnavailableError} when `work` takes longer than `ms`; the late result is ignored. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return boundedBy(work, ms, what, (message) => new CacheUnavailableError(message));
}

/**
 * Wraps a backend into a {@link TenantCacheStore}. The returned caches never throw or reject: envelop does not await
 * `set`/`invalidate`, and a cache outage must cost a cache miss, never a failed request.
 */
export function createTenantCacheStore(backend: CacheBackend, options: TenantCacheOptions = {}): TenantCacheStore {
  const swrMs = options.swrMs ?? DEFAULT_SWR_MS;
  const maxTtlMs = options.maxTtlMs ?? DEFAULT_MAX_TTL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const report: OnCacheError = (r) => {
    try {
      options.onError?.(r);
    } catch {
      // A broken hook must not turn a swallowed cache failure into a failed request.
    }
  };

  function forTenant(tenant: string): Cache {
    assertTenant(tenant);
    return {
      async get(key: string): Promise<ExecutionResult | undefined> {
        // A key from another tenant can only come from a wiring bug; refuse it rather than serve across tenants.
        if (!keyBelongsTo(key, tenant)) {
          report({ op: 'get', tenant, key, error: new Error('key outside the tenant prefix') });
          return undefined;
        }
        try {
          const entry = await withTimeout(backend.read(key), timeoutMs, 'cache get');
          // The origin only answers from fresh entries: a stale one is for the edge, the origin is the refresher.
          if (!entry || !isFresh(entry, now())) return undefined;
          return JSON.parse(entry.body) as ExecutionResult;
        } catch (error) {
          report({ op: 'get', tenant, key, error });
          return undefined;
        }
      },

      async set(key: string, result: ExecutionResult, entities: Iterable<CacheEntityRecord>, ttl: number) {
        if (!keyBelongsTo(key, tenant)) {
          report({ op: 'set', tenant, key, error: new Error('key outside the tenant prefix') });
          return;
        }
        const ttlMs = Math.min(Number.isFinite(ttl) ? Math.floor(ttl) : maxTtlMs, maxTtlMs);
        if (!(ttlMs > 0)) return;
        try {
          const tags = tagsOf(entities);
          const entry = createEntry({ body: serializeResult(result), ttlMs, swrMs, tags, now: now() });
          const tagKeys = tags.map((t) => tagSetKey(tenant, t));
          await withTimeout(backend.write(key, entry, tagKeys), timeoutMs, 'cache set');
        } catch (error) {
          report({ op: 'set', tenant, key, error });
        }
      },

      async invalidate(entities: Iterable<CacheEntityRecord>) {
        // Tag sets live under the tenant prefix, so a mutation of tenant A can only reach tenant A's entries.
        const tagKeys = [...new Set([...entities].map((e) => tagSetKey(tenant, invalidationTag(e))))];
        if (tagKeys.length === 0) return;
        try {
          await withTimeout(backend.evict(tagKeys), timeoutMs, 'cache invalidate');
        } catch (error) {
          report({ op: 'invalidate', tenant, error });
        }
      },
    };
  }

  return { forTenant, readEntry: (key) => withTimeout(backend.read(key), timeoutMs, 'cache read') };
}
