/**
 * The plan-cache contract, run against the in-memory adapter (unit) and the Upstash adapter on the real twin
 * (integration): tenant and schema version separate key spaces, the size cap evicts the least recently used plan,
 * entries expire after the TTL, and a stored plan comes back exactly.
 */
import { expect } from 'vitest';
import type { Plan } from '../plan.js';
import type { PlanCache } from '../plan-cache.js';

export const plan = (signature: string): Plan => ({
  signature,
  tier: 'grammar',
  template: 'nlqFind',
  cypher: 'MATCH (e:Entity {tenant: $tenant}) RETURN properties(e) AS entity LIMIT $limit',
  slotNames: ['kind', 'name'],
  shape: 'entities',
  maxHops: 0,
});

/** `make(maxEntries, ttlMs, clock)` builds the adapter under test; `tenant` is unique to the run. */
export async function planCacheContract(
  make: (maxEntries: number, ttlMs: number, clock: () => number) => PlanCache,
  tenant: string,
) {
  let now = 1_000_000;
  const cache = make(2, 60_000, () => now);

  await cache.put(tenant, 'v1', plan('find'));
  expect(await cache.get(tenant, 'v1', 'find')).toEqual(plan('find'));
  expect(await cache.get(`${tenant}-other`, 'v1', 'find')).toBeUndefined();
  expect(await cache.get(tenant, 'v2', 'find')).toBeUndefined();

  // LRU: touch `find`, add two more: `count` (least recently used) is the one evicted.
  now += 10;
  await cache.put(tenant, 'v1', plan('count'));
  now += 10;
  expect(await cache.get(tenant, 'v1', 'find')).toBeDefined();
  now += 10;
  await cache.put(tenant, 'v1', plan('path:3'));
  expect(await cache.get(tenant, 'v1', 'count')).toBeUndefined();
  expect(await cache.get(tenant, 'v1', 'find')).toBeDefined();
  expect(await cache.get(tenant, 'v1', 'path:3')).toBeDefined();
}
