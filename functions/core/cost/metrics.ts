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

/**
 * The review queue's backlog (ER adjudication), emitted on a schedule for every tenant with open candidates (the
 * er-review-backlog Lambda; the local worker every minute) and by the ER consumer after a batch that opened some:
 * CloudWatch (EMF, namespace below, dimension `service`) and Prometheus (gauges with a `tenant` label) under the names
 * here, read by the backlog-age alarm, the Prometheus rule and the ER dashboard row.
 */
export const reviewMetrics = {
  namespace: 'Graphgate/Review',
  /** Open and deferred candidates of the tenant the datapoint is about (Maximum over a period: the largest backlog). */
  backlogOpen: 'ReviewBacklogOpen',
  /** Seconds since the oldest open or deferred candidate of that tenant was created. */
  backlogOldestAge: 'ReviewBacklogOldestAge',
  /** The EMF `service` dimension of the emitter. */
  service: 'er-intake',
  prometheus: {
    backlogOpen: 'er_review_backlog_open',
    backlogOldestAge: 'er_review_backlog_oldest_age_seconds',
  },
  /** Oldest open candidate older than this pages nobody but opens a ticket: reviews are falling behind. */
  backlogAgeLimitS: 24 * 3600,
} as const;
