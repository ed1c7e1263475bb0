/**
 * Upstash Redis adapter of the cache port, and the plain reader the edge calls.
 *
 * Layout (all under the tenant prefix, so nothing crosses tenants):
 * - `gg:v1:<tenant>:<hash>`            the entry JSON, PX = ttl + stale window
 * - `gg:v1:<tenant>:tag:Entity:<id>`   SET of entry keys that contain that entity
 * - `gg:v1:<tenant>:tag:Entity`        SET of entry keys that contain any Entity (envelop's type-level invalidation)
 * Invalidation reads the tag sets it is told about (SMEMBERS); it never enumerates keys (`KEYS`/`SCAN`).
 */
import type { Redis } from '@upstash/redis';
import { type CacheEntry, parseEntry, storeTtlMs } from './entry.js';
import { CacheUnavailableError } from './errors.js';
import { type CacheBackend, createTenantCacheStore, type TenantCacheOptions, withTimeout } from './tenant-cache.js';
import type { TenantCacheStore } from './types.js';

/** The client surface the reader uses; `@upstash/redis`, `/cloudflare` and `/fastly` clients all fit. */
export type UpstashClient = Pick<Redis, 'get' | 'multi' | 'pipeline'>;
/** The client surface the cache store uses (the reader's plus scripts). */
export type UpstashStoreClient = UpstashClient & Pick<Redis, 'eval'>;

/**
 * One entry write as one command: SET the entry with its PX, then per tag set SADD the key and PEXPIRE it NX (a new
 * set's first expiry) and GT (only ever extended), so the set outlives its longest member and a short-TTL write never
 * shortens a set a long-TTL entry still depends on. Scripts run atomically: an entry never exists without its tag
 * memberships, so it can always be invalidated. KEYS[1] = entry key, KEYS[2..] = tag sets; ARGV = entry JSON, PX.
 * (As a MULTI this was 1 + 3 commands per tag: over a thousand for one 2-hop neighbourhood, each parsed by the REST
 * endpoint and billed by Upstash.)
 */
export const writeEntryScript = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'NX')
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'GT')
end
return 1`;

/** DEL/SREM arguments per command, so one huge tag set does not build one huge command. */
const CHUNK = 500;

const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

const unavailable = (what: string, cause: unknown) =>
  cause instanceof CacheUnavailableError ? cause : new CacheUnavailableError(`${what} failed`, { cause });

/**
 * Reads one entry for the edge: the entry (fresh or stale — decide with `isFresh` / `isStaleServable`), or undefined on a
 * miss or an unreadable value. Rejects with {@link CacheUnavailableError} when the store does not answer within
 * `timeoutMs`, so the edge can fail open and count it.
 * @example const entry = await readEntry(redis, await cacheKeyAsync(input), { timeoutMs: 150 });
 */
export async function readEntry(
  redis: UpstashClient,
  key: string,
  options: { timeoutMs?: number } = {},
): Promise<CacheEntry | undefined> {
  try {
    return await withTimeout(fetchEntry(redis, key), options.timeoutMs ?? 500, 'cache read');
  } catch (error) {
    throw unavailable('cache read', error);
  }
}

async function fetchEntry(redis: UpstashClient, key: string): Promise<CacheEntry | undefined> {
  const raw = await redis.get<unknown>(key);
  return raw === null ? undefined : parseEntry(raw);
}

/** The Upstash backend of the cache port. */
export function createUpstashBackend(redis: UpstashStoreClient): CacheBackend {
  return {
    // The store bounds every backend call with its own timeout; no second timer here.
    read: (key) => fetchEntry(redis, key),

    async write(key, entry, tagSetKeys) {
      await redis.eval(writeEntryScript, [key, ...tagSetKeys], [JSON.stringify(entry), storeTtlMs(entry)]);
    },

    async evict(tagSetKeys) {
      const read = redis.pipeline();
      for (const tag of tagSetKeys) read.smembers(tag);
      const memberLists = (await read.exec()) as string[][];
      const tx = redis.multi();
      let commands = 0;
      const keys = [...new Set(memberLists.flat())];
      for (const part of chunks(keys)) {
        tx.del(...part);
        commands++;
      }
      // SREM exactly what was read rather than DEL the set: an entry written concurrently after SMEMBERS keeps its
      // membership and stays invalidatable; an emptied set disappears on its own.
      for (const [i, members] of memberLists.entries()) {
        for (const part of chunks(members)) {
          tx.srem(tagSetKeys[i]!, ...part);
          commands++;
        }
      }
      if (commands > 0) await tx.exec();
    },
  };
}

/**
 * The origin's {@link TenantCacheStore} on Upstash: `cache: (ctx) => store.forTenant(tenant)` in `useResponseCache`.
 * Give the client a small retry budget (e.g. `retry: { retries: 1 }`): `timeoutMs` bounds each call regardless.
 * @example const store = createUpstashCache(new Redis({ url, token }), { onError: (r) => metrics.cacheErrors.inc() });
 */
export function createUpstashCache(redis: UpstashStoreClient, options: TenantCacheOptions = {}): TenantCacheStore {
  return createTenantCacheStore(createUpstashBackend(redis), options);
}
