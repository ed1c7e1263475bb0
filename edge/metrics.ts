/**
 * Edge counters, web-standard (no Node APIs): the Node adapter serves them as Prometheus text at /metrics; on
 * Lambda@Edge they go out as EMF log lines.
 */
import { prometheus, type UsageItem } from '../functions/core/metrics/names.js';

export interface EdgeMetrics {
  counters: Record<string, number>;
  inc(name: string, by?: number): void;
  /** Per-tenant usage the cost report prices: the tenant's calls and the ones the edge answered from the cache. */
  usage(tenant: string, item: Extract<UsageItem, 'calls' | 'cache_hits'>): void;
  prometheus(): string;
}

export const counterNames = [
  'requests',
  'cache_hit',
  'cache_stale',
  'cache_miss',
  'cache_bypass',
  'cache_not_modified',
  'cache_fail_open',
  'origin_calls',
  'origin_errors',
  'server_errors',
  'stale_on_origin_error',
  'refreshes',
  'rate_limited',
  'unauthenticated',
] as const;

export function createEdgeMetrics(): EdgeMetrics {
  const counters: Record<string, number> = Object.fromEntries(counterNames.map((n) => [n, 0]));
  const usage = new Map<string, number>();
  const usageName = prometheus.tenantUsage.name;
  return {
    counters,
    inc(name, by = 1) {
      counters[name] = (counters[name] ?? 0) + by;
    },
    usage(tenant, item) {
      // Tenants match the JWT tenant pattern ([a-z0-9-]), so they need no escaping in a label value.
      const key = `tenant="${tenant}",item="${item}"`;
      usage.set(key, (usage.get(key) ?? 0) + 1);
    },
    prometheus() {
      const tenantLines = [...usage].map(([labels, v]) => `${usageName}{${labels}} ${v}`);
      return Object.entries(counters)
        .map(([k, v]) => `# TYPE graphgate_edge_${k}_total counter\ngraphgate_edge_${k}_total ${v}`)
        .concat(tenantLines.length ? [`# TYPE ${usageName} counter`, ...tenantLines] : [])
        .join('\n')
        .concat('\n');
    },
  };
}
