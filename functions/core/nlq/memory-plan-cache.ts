/** In-memory plan cache for unit tests of logic: the same bounds (LRU size cap, TTL) as the Upstash adapter. */

import type { Plan } from './plan.js';
import { defaultPlanCacheOptions, type PlanCache, type PlanCacheOptions, planKey, planSpace } from './plan-cache.js';

export function memoryPlanCache(
  options: PlanCacheOptions = defaultPlanCacheOptions,
  clock: () => number = Date.now,
): PlanCache & { size(tenant: string, schemaVersion: string): number } {
  /** Per key space, keys in least-recently-used order (Map keeps insertion order; a touch re-inserts). */
  const spaces = new Map<string, Map<string, { plan: Plan; expires: number }>>();
  const space = (tenant: string, version: string) => {
    const name = planSpace(tenant, version);
    const s = spaces.get(name) ?? new Map<string, { plan: Plan; expires: number }>();
    spaces.set(name, s);
    return s;
  };
  return {
    async get(tenant, version, signature) {
      const s = space(tenant, version);
      const key = planKey(tenant, version, signature);
      const hit = s.get(key);
      if (!hit) return undefined;
      s.delete(key);
      if (hit.expires <= clock()) return undefined;
      s.set(key, hit);
      return structuredClone(hit.plan);
    },
    async put(tenant, version, plan) {
      const s = space(tenant, version);
      const key = planKey(tenant, version, plan.signature);
      s.delete(key);
      s.set(key, { plan: structuredClone(plan), expires: clock() + options.ttlMs });
      while (s.size > options.maxEntries) s.delete(s.keys().next().value!);
    },
    size: (tenant, version) => space(tenant, version).size,
  };
}
