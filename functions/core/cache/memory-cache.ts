/**
 * In-memory adapter of the cache port, for unit tests of cache logic. Same key layout and tag-set semantics as the
 * Upstash adapter; expiry is checked on read against the injected clock.
 */
import { type CacheEntry, storeTtlMs } from './entry.js';
import { type CacheBackend, createTenantCacheStore, type TenantCacheOptions } from './tenant-cache.js';
import type { TenantCacheStore } from './types.js';

/** The in-memory backend; `keys()` lets tests look at what is stored. */
export interface MemoryCacheBackend extends CacheBackend {
  /** Live keys (entries and tag sets), sorted. */
  keys(): string[];
  /** Members of a tag set. */
  members(tagSetKey: string): string[];
  /** Make every next call reject, to test fail-open behaviour. */
  failing: boolean;
}

/** Creates the in-memory backend alone (for tests that want to inspect it). */
export function createMemoryBackend(now: () => number = Date.now): MemoryCacheBackend {
  const entries = new Map<string, { entry: CacheEntry; expiresAt: number }>();
  const tagSets = new Map<string, { members: Set<string>; expiresAt: number }>();
  const live = <T extends { expiresAt: number }>(m: Map<string, T>, k: string) => {
    const v = m.get(k);
    if (v && v.expiresAt <= now()) m.delete(k);
    return m.get(k);
  };
  const guard = (backend: MemoryCacheBackend) => {
    if (backend.failing) throw new Error('memory cache set to fail');
  };

  const backend: MemoryCacheBackend = {
    failing: false,
    async read(key) {
      guard(backend);
      // Clone like a real store would, so callers can never mutate what is stored.
      const hit = live(entries, key);
      return hit ? structuredClone(hit.entry) : undefined;
    },
    async write(key, entry, tagSetKeys) {
      guard(backend);
      const expiresAt = now() + storeTtlMs(entry);
      entries.set(key, { entry: structuredClone(entry), expiresAt });
      for (const t of tagSetKeys) {
        const set = live(tagSets, t) ?? { members: new Set<string>(), expiresAt };
        set.members.add(key);
        // Like PEXPIRE NX + GT: a tag set lives at least as long as its longest-lived member.
        set.expiresAt = Math.max(set.expiresAt, expiresAt);
        tagSets.set(t, set);
      }
    },
    async evict(tagSetKeys) {
      guard(backend);
      for (const t of tagSetKeys) {
        for (const k of live(tagSets, t)?.members ?? []) entries.delete(k);
        tagSets.delete(t);
      }
    },
    keys() {
      for (const k of [...entries.keys()]) live(entries, k);
      for (const k of [...tagSets.keys()]) live(tagSets, k);
      return [...entries.keys(), ...tagSets.keys()].sort();
    },
    members(tagSetKey) {
      return [...(live(tagSets, tagSetKey)?.members ?? [])].sort();
    },
  };
  return backend;
}

/**
 * An in-memory {@link TenantCacheStore} (envelop `Cache` per tenant).
 * @example const store = createMemoryCache({ now: () => clock }); const cache = store.forTenant('acme');
 */
export function createMemoryCache(
  options: TenantCacheOptions & { backend?: MemoryCacheBackend } = {},
): TenantCacheStore & { backend: MemoryCacheBackend } {
  const backend = options.backend ?? createMemoryBackend(options.now);
  return { ...createTenantCacheStore(backend, options), backend };
}
