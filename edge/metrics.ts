/**
 * Edge counters, web-standard (no Node APIs): the Node adapter serves them as Prometheus text at /metrics; on
 * Lambda@Edge they go out as EMF log lines.
 */
export interface EdgeMetrics {
  counters: Record<string, number>;
  inc(name: string, by?: number): void;
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
  'stale_on_origin_error',
  'refreshes',
  'rate_limited',
  'unauthenticated',
] as const;

export function createEdgeMetrics(): EdgeMetrics {
  const counters: Record<string, number> = Object.fromEntries(counterNames.map((n) => [n, 0]));
  return {
    counters,
    inc(name, by = 1) {
      counters[name] = (counters[name] ?? 0) + by;
    },
    prometheus() {
      return Object.entries(counters)
        .map(([k, v]) => `# TYPE graphgate_edge_${k}_total counter\ngraphgate_edge_${k}_total ${v}`)
        .join('\n')
        .concat('\n');
    },
  };
}
