import { useResponseCache } from '@envelop/response-cache';
import type { Plugin } from 'graphql-yoga';
import {
  type CacheErrorReport,
  createUpstashCache,
  entityInvalidator,
  responseCacheOptions,
  type UpstashStoreClient,
} from '../core/cache/index.js';
import { throttledLog } from '../core/throttled-log.js';

/**
 * The origin's response cache: envelop's plugin (not yoga's wrapper, which cannot scope invalidation to a tenant and
 * keys on If-None-Match) over our Upstash store. Failures never fail a request: they are counted and logged once per
 * interval, and the request runs uncached.
 */
export function originCachePlugin(redis: UpstashStoreClient, onError: (r: CacheErrorReport) => void = defaultOnError) {
  const store = createUpstashCache(redis, { onError });
  const options = responseCacheOptions({ store, onError });
  const plugin = useResponseCache({
    ...options,
    // A null root field ("no such entity", or hidden by scope) has no entity to tag, so no mutation could ever evict
    // it: creating or unmerging that entity would keep serving null until the TTL. Negative results are not cached.
    shouldCacheResult: ({ result }) =>
      !result.errors?.length && Object.values(result.data ?? {}).every((v) => v !== null && v !== undefined),
  }) as unknown as Plugin;
  // envelop starts an entry write and answers without waiting for it; the origin's door waits for it before it
  // answers (settleCacheWrites, app.ts).
  return { plugin, invalidate: entityInvalidator(store), store };
}

const log = throttledLog(30_000);
function defaultOnError(r: CacheErrorReport): void {
  log(`response cache ${r.op} failed for tenant ${r.tenant || '?'}: ${(r.error as Error)?.message ?? r.error}`);
}
