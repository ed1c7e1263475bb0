import { describe, expect, it } from 'vitest';
import { memoryPlanCache } from './memory-plan-cache.js';
import { parsePlan } from './plan-cache.js';
import { plan, planCacheContract } from './test-support/plan-cache-contract.js';

describe('the in-memory plan cache', () => {
  it('keeps the plan-cache contract (tenant and schema version, LRU cap)', async () => {
    await planCacheContract((maxEntries, ttlMs, clock) => memoryPlanCache({ maxEntries, ttlMs }, clock), 'tenant-a');
  });

  it('forgets a plan after its TTL', async () => {
    let now = 0;
    const cache = memoryPlanCache({ maxEntries: 5, ttlMs: 1000 }, () => now);
    await cache.put('t', 'v1', plan('find'));
    now = 999;
    expect(await cache.get('t', 'v1', 'find')).toBeDefined();
    now = 2000;
    expect(await cache.get('t', 'v1', 'find')).toBeUndefined();
  });

  it('never takes a stored value that is not a plan', () => {
    expect(parsePlan('{"cypher": 1}')).toBeUndefined();
    expect(parsePlan('not json')).toBeUndefined();
    expect(parsePlan(JSON.stringify(plan('find')))).toEqual(plan('find'));
  });
});
