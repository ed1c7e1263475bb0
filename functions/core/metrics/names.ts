/**
 * The one registry of metric names and dimensions. Emitters (Powertools Metrics/EMF in the Lambdas, prom-client on the
 * local servers' /metrics) and readers (CDK alarms and dashboards, the SLO file and its PrometheusRule, the cost model)
 * import their names from here, and `infra/cdk/observability/signals.test.ts` checks that every name a reader uses is
 * emitted under exactly these dimensions.
 */

/** A CloudWatch custom metric as the EMF emitter writes it: Powertools always adds the `service` dimension. */
export interface CloudWatchSignal {
  readonly namespace: string;
  readonly name: string;
  /** Every dimension of the datapoint, in no particular order; a reader must name exactly these. */
  readonly dimensions: readonly string[];
}

/** A Prometheus metric as prom-client exposes it (histograms also expose `_bucket`, `_sum`, `_count`). */
export interface PrometheusSignal {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
}

/** The EMF `service` dimension (Powertools `serviceName`) of each emitting function. */
export const services = { graphql: 'graphql', erIntake: 'er-intake' } as const;

const cw = (namespace: string, name: string, dimensions: readonly string[]): CloudWatchSignal => ({
  namespace,
  name,
  dimensions,
});

/** Namespaces of graphgate's custom CloudWatch metrics. */
export const namespaces = {
  origin: 'Graphgate/Origin',
  cost: 'Graphgate/Cost',
  review: 'Graphgate/Review',
  usage: 'Graphgate/Usage',
  er: 'graphgate',
} as const;

const stageDims = ['service', 'Stage'] as const;

/**
 * Custom CloudWatch metrics (EMF). Tenant is a dimension on the `usage` metrics only (a handful of counters per
 * tenant): latency and error metrics stay tenant-free so their series count does not grow with tenants.
 */
export const cloudwatch = {
  /** Milliseconds per Cypher transaction of the origin (every repository call and every NLQ plan execution). */
  cypherDuration: cw(namespaces.origin, 'CypherDuration', [...stageDims, 'Method']),
  /** Milliseconds per natural-language query (LLM + Cypher). */
  nlqDuration: cw(namespaces.origin, 'NlqDuration', stageDims),
  /** NLQ requests that failed (LLM error, rejected Cypher plan). */
  nlqErrors: cw(namespaces.origin, 'NlqErrors', stageDims),
  /** NLQ plan-cache lookups answered from the cache (hit ratio = hits / (hits + misses)). */
  nlqPlanCacheHits: cw(namespaces.origin, 'NlqPlanCacheHits', stageDims),
  /** NLQ plan-cache lookups that had to translate and EXPLAIN a plan. */
  nlqPlanCacheMisses: cw(namespaces.origin, 'NlqPlanCacheMisses', stageDims),
  /** USD spent on LLM calls (NLQ), one datapoint per call. Feeds the LLM-spend alarm. */
  llmSpendUsd: cw(namespaces.cost, 'LlmSpendUsd', stageDims),
  /** Upstash commands issued (a pipeline of n counts n), per request or batch; `Component` is origin | er. */
  upstashCommands: cw(namespaces.cost, 'UpstashCommands', [...stageDims, 'Component']),
  /** Open and deferred review candidates of the tenant the datapoint is about (Maximum: the largest backlog). */
  reviewBacklogOpen: cw(namespaces.review, 'ReviewBacklogOpen', ['service']),
  /** Seconds since the oldest open or deferred review candidate of that tenant was created. */
  reviewBacklogOldestAge: cw(namespaces.review, 'ReviewBacklogOldestAge', ['service']),
  /**
   * Per tenant: GraphQL calls the origin answered (cache misses and writes). The edge's calls and hits per tenant are
   * Prometheus only: Lambda@Edge logs land in every region that served, so the cost model reads CloudFront instead.
   */
  tenantOriginCalls: cw(namespaces.usage, 'TenantOriginCalls', [...stageDims, 'Tenant']),
  /** Per tenant: origin compute (request duration) in milliseconds. */
  tenantOriginMs: cw(namespaces.usage, 'TenantOriginMs', [...stageDims, 'Tenant']),
  /** Per tenant: time spent in Neo4j transactions in milliseconds. */
  tenantNeo4jMs: cw(namespaces.usage, 'TenantNeo4jMs', [...stageDims, 'Tenant']),
  /** Per tenant: LLM tokens (input + output) spent on NLQ. */
  tenantLlmTokens: cw(namespaces.usage, 'TenantLlmTokens', [...stageDims, 'Tenant']),
  /** Per tenant: ER events processed by the consumer. */
  tenantErEvents: cw(namespaces.usage, 'TenantErEvents', [...stageDims, 'Tenant']),
  /** ER events the consumer processed (duplicates included); per band as `Events<band>` / `EventsDuplicate`. */
  erEventsProcessed: cw(namespaces.er, 'EventsProcessed', ['service']),
  /** Failed receives of an ER event (per stable code as `Failed_<code>`). */
  erEventsFailed: cw(namespaces.er, 'EventsFailed', ['service']),
  /** Failures on an event's last allowed receive: SQS moves it to the DLQ. */
  erEventsDeadLettered: cw(namespaces.er, 'EventsDeadLettered', ['service']),
  /** Milliseconds from acceptance by the intake API to the end of processing, per event. */
  erEventLag: cw(namespaces.er, 'EventLag', ['service']),
  /** Milliseconds of processing per event. */
  erEventDuration: cw(namespaces.er, 'EventDuration', ['service']),
  /** Milliseconds since the oldest message of a batch was sent (the consumer's view of queue lag). */
  erOldestMessageAge: cw(namespaces.er, 'OldestMessageAge', ['service']),
} as const satisfies Record<string, CloudWatchSignal>;

export type CloudWatchSignalKey = keyof typeof cloudwatch;

/** Prometheus metrics of the local twin's /metrics listeners (the PrometheusRule reads these names). */
export const prometheus = {
  originRequests: {
    name: 'graphgate_origin_requests_total',
    type: 'counter',
    labels: ['operation', 'outcome'],
  },
  originDuration: {
    name: 'graphgate_origin_request_duration_seconds',
    type: 'histogram',
    labels: ['operation', 'outcome'],
  },
  originCypherDuration: {
    name: 'graphgate_origin_cypher_duration_seconds',
    type: 'histogram',
    labels: ['method', 'outcome'],
  },
  intakeRequests: { name: 'graphgate_intake_requests_total', type: 'counter', labels: ['outcome'] },
  reviewBacklogOpen: { name: 'er_review_backlog_open', type: 'gauge', labels: ['tenant'] },
  reviewBacklogOldestAge: { name: 'er_review_backlog_oldest_age_seconds', type: 'gauge', labels: ['tenant'] },
  /** Per-tenant usage the cost report prices (`npm run cost:report -- --by tenant`); `item` is a {@link UsageItem}. */
  tenantUsage: { name: 'graphgate_tenant_usage_total', type: 'counter', labels: ['tenant', 'item'] },
} as const satisfies Record<string, PrometheusSignal>;

/**
 * What a tenant used, the `item` label of {@link prometheus.tenantUsage}: `calls` and `cache_hits` at the edge,
 * `origin_calls`, `origin_ms`, `neo4j_ms` and `llm_tokens` at the origin, `er_events` at the ER consumer.
 */
export const usageItems = [
  'calls',
  'cache_hits',
  'origin_calls',
  'origin_ms',
  'neo4j_ms',
  'er_events',
  'llm_tokens',
] as const;
export type UsageItem = (typeof usageItems)[number];

/** The `outcome` label of request counters: `5xx` is what the availability SLOs count as bad. */
export type Outcome = 'ok' | '4xx' | '5xx';

/** The outcome of an HTTP status. */
export const outcomeOf = (status: number): Outcome => (status >= 500 ? '5xx' : status >= 400 ? '4xx' : 'ok');

/**
 * A reader's dimension map for a signal: throws unless it names exactly the signal's dimensions, so an alarm cannot
 * ask for a series nobody writes.
 * @example new Metric({ namespace: s.namespace, metricName: s.name, dimensionsMap: dimensionsOf(s, { service: 'graphql', Stage: 'prod' }) })
 */
export function dimensionsOf(signal: CloudWatchSignal, values: Record<string, string>): Record<string, string> {
  const given = Object.keys(values).sort().join(',');
  const wanted = [...signal.dimensions].sort().join(',');
  if (given !== wanted) {
    throw new Error(`${signal.namespace}/${signal.name} is emitted with dimensions [${wanted}], not [${given}]`);
  }
  return values;
}
