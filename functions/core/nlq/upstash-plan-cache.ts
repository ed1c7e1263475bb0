/**
 * Upstash Redis adapter of the plan cache. Layout, all under the tenant and schema version:
 * - `gg:nlq:v1:<tenant>:<schemaVersion>:plan:<hash>`  the plan JSON, PX = ttl
 * - `gg:nlq:v1:<tenant>:<schemaVersion>:lru`          ZSET of plan keys scored by last use (ms)
 * A put evicts past the size cap, least recently used first, and forgets index members whose plans expired; it never
 * enumerates keys (`KEYS`/`SCAN`).
 */
import type { Redis } from '@upstash/redis';
import { withTimeout } from '../timeout.js';
import {
  defaultPlanCacheOptions,
  type PlanCache,
  type PlanCacheOptions,
  parsePlan,
  planKey,
  planSpace,
} from './plan-cache.js';

export type PlanCacheClient = Pick<Redis, 'get' | 'multi' | 'pipeline' | 'zrange'>;

export function upstashPlanCache(
  redis: PlanCacheClient,
  options: PlanCacheOptions & { timeoutMs?: number } = defaultPlanCacheOptions,
  clock: () => number = Date.now,
): PlanCache {
  const timeoutMs = options.timeoutMs ?? 500;
  const lru = (tenant: string, version: string) => `${planSpace(tenant, version)}:lru`;
  return {
    async get(tenant, version, signature) {
      const key = planKey(tenant, version, signature);
      const raw = await withTimeout(redis.get<unknown>(key), timeoutMs, 'plan cache read');
      const plan = raw === null ? undefined : parsePlan(raw);
      if (plan)
        await withTimeout(
          redis.pipeline().zadd(lru(tenant, version), { score: clock(), member: key }).exec(),
          timeoutMs,
          'plan cache touch',
        );
      return plan;
    },
    async put(tenant, version, plan) {
      const key = planKey(tenant, version, plan.signature);
      const index = lru(tenant, version);
      const now = clock();
      const tx = redis.multi();
      tx.set(key, JSON.stringify(plan), { px: options.ttlMs });
      tx.zadd(index, { score: now, member: key });
      tx.zremrangebyscore(index, 0, now - options.ttlMs);
      tx.pexpire(index, options.ttlMs);
      await withTimeout(tx.exec(), timeoutMs, 'plan cache write');
      // Past the cap: the oldest-used members (lowest scores) go, entry and index together.
      const excess = await withTimeout(
        redis.zrange<string[]>(index, 0, -options.maxEntries - 1),
        timeoutMs,
        'plan cache scan',
      );
      if (excess.length > 0) {
        const evict = redis.multi();
        evict.del(...excess);
        evict.zrem(index, ...excess);
        await withTimeout(evict.exec(), timeoutMs, 'plan cache evict');
      }
    },
  };
}
