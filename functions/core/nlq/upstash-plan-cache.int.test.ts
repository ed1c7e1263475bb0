import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { planKey } from './plan-cache.js';
import { plan, planCacheContract } from './test-support/plan-cache-contract.js';
import { upstashPlanCache } from './upstash-plan-cache.js';

const t = twin();
const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });

describe('the Upstash plan cache (real Redis behind the Upstash REST endpoint)', () => {
  it('keeps the plan-cache contract (tenant and schema version, LRU cap)', async () => {
    const tenant = testTenant('nlq-plans');
    await planCacheContract(
      (maxEntries, ttlMs, clock) => upstashPlanCache(redis, { maxEntries, ttlMs }, clock),
      tenant,
    );
  });

  it('stores plans under the tenant with a TTL, and never a slot value', async () => {
    const tenant = testTenant('nlq-ttl');
    await upstashPlanCache(redis, { maxEntries: 5, ttlMs: 30_000 }).put(tenant, 'v1', plan('find'));
    const key = planKey(tenant, 'v1', 'find');
    expect(key).toContain(tenant);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(Object.keys((await redis.get<Record<string, unknown>>(key)) ?? {}).sort()).toEqual(
      ['cypher', 'maxHops', 'shape', 'signature', 'slotNames', 'template', 'tier'].sort(),
    );
  });
});
