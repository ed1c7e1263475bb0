/**
 * Custom CloudWatch metrics the cost model and dashboards read, emitted by the functions with Powertools Metrics (EMF).
 * The names are defined once here so the emitter and the CDK dashboards/alarms cannot drift apart.
 */
export const costMetrics = {
  namespace: 'Graphgate/Cost',
  /** USD spent on LLM calls (NLQ), one datapoint per call; dimension `Stage`. Feeds the LLM-spend alarm. */
  llmSpendUsd: 'LlmSpendUsd',
  /** Upstash commands issued, one datapoint per request with the count; dimensions `Stage`, `Component` (origin|er). */
  upstashCommands: 'UpstashCommands',
} as const;

/** Telemetry metrics of the graph paths the NLQ/Cypher dashboard reads (namespace `Graphgate/Origin`, dim `Stage`). */
export const originMetrics = {
  namespace: 'Graphgate/Origin',
  /** Milliseconds per Cypher transaction; dimension `Method` (repository method) besides `Stage`. */
  cypherDuration: 'CypherDuration',
  /** Milliseconds per natural-language query (LLM + Cypher). */
  nlqDuration: 'NlqDuration',
  /** NLQ requests that failed (LLM error, rejected Cypher plan). */
  nlqErrors: 'NlqErrors',
  /** NLQ plan-cache lookups answered from the cache (hit ratio = hits / (hits + misses)). */
  nlqPlanCacheHits: 'NlqPlanCacheHits',
  /** NLQ plan-cache lookups that had to translate and EXPLAIN a plan. */
  nlqPlanCacheMisses: 'NlqPlanCacheMisses',
} as const;
