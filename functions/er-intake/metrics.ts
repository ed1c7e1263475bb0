/**
 * ER intake metrics: one small port, two adapters — Prometheus (prom-client) for the local worker's /metrics, and
 * CloudWatch EMF (Powertools Metrics) when deployed, where queue depth and oldest-message age come from SQS's own
 * CloudWatch metrics and the consumer adds what only it knows (bands, failure codes, lag).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Band } from '../core/er/config.js';
import { cloudwatch, namespaces, type Outcome, prometheus, services } from '../core/metrics/names.js';
import { openMetricsRegistry, traceExemplar } from '../core/telemetry/exemplars.js';

export interface IntakeMetrics {
  /**
   * One event of `tenant` done: its band, whether it was a duplicate, lag since the API accepted it, and processing
   * time. A duplicate still counts as a tenant's ER event: it cost a receive and an idempotency read.
   */
  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number, tenant: string): void;
  /** Upstash commands a batch issued (cache invalidation of merged entities). */
  upstashCommands(count: number): void;
  /** One failed receive; `lastReceive` means SQS will move it to the DLQ instead of redelivering it. */
  failed(code: string, lastReceive: boolean): void;
  /** Age of the oldest message of a batch (now − SentTimestamp): the consumer's view of queue lag. */
  oldestAge(ms: number): void;
  /** A tenant's review backlog (open and deferred candidates, age of the oldest), after a batch opened reviews. */
  reviewBacklog(tenant: string, open: number, oldestAgeMs: number): void;
  /** Depth of the queues (local worker only; SQS publishes these itself in AWS). */
  queueDepth?(queue: 'intake' | 'dlq', visible: number, inFlight: number): void;
  /** Flushes buffered metrics (EMF); a no-op for Prometheus. */
  flush(): void;
}

/** Prometheus adapter; `registry` serves /metrics. */
export class PromIntakeMetrics implements IntakeMetrics {
  readonly registry = openMetricsRegistry();
  readonly #processed = new Counter({
    name: 'er_events_processed_total',
    help: 'Events processed, by band and whether the idempotency store answered (duplicate)',
    labelNames: ['band', 'duplicate'] as const,
    registers: [this.registry],
  });
  readonly #failed = new Counter({
    name: 'er_events_failed_total',
    help: 'Failed receives by stable error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly #deadLettered = new Counter({
    name: 'er_events_dead_lettered_total',
    help: 'Failures on the last allowed receive (the message goes to the DLQ), by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'er_event_duration_seconds',
    help: 'Processing time per event',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    enableExemplars: true,
    registers: [this.registry],
  });
  readonly #lag = new Histogram({
    name: 'er_event_lag_seconds',
    help: 'Accepted by the API → processed',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    enableExemplars: true,
    registers: [this.registry],
  });
  readonly #oldest = new Gauge({
    name: 'er_oldest_message_age_seconds',
    help: 'Age of the oldest message in the last batch received',
    registers: [this.registry],
  });
  readonly #depth = new Gauge({
    name: 'er_queue_messages',
    help: 'Approximate messages per queue and state (visible, in_flight)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly #usage = new Counter({
    name: prometheus.tenantUsage.name,
    help: 'Per-tenant usage the cost report prices, by item',
    labelNames: prometheus.tenantUsage.labels,
    registers: [this.registry],
  });
  readonly #upstash = new Counter({
    name: 'er_upstash_commands_total',
    help: 'Upstash commands issued by the consumer',
    registers: [this.registry],
  });

  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number, tenant: string): void {
    this.#processed.inc({ band, duplicate: String(duplicate) });
    this.#usage.inc({ tenant, item: 'er_events' });
    // Called inside the event's consumer span: the exemplar links a slow bucket to the event's trace.
    this.#lag.observe({ value: lagMs / 1000, exemplarLabels: traceExemplar() });
    this.#duration.observe({ value: durationMs / 1000, exemplarLabels: traceExemplar() });
  }
  failed(code: string, lastReceive: boolean): void {
    this.#failed.inc({ code });
    if (lastReceive) this.#deadLettered.inc({ code });
  }
  oldestAge(ms: number): void {
    this.#oldest.set(ms / 1000);
  }
  upstashCommands(count: number): void {
    this.#upstash.inc(count);
  }
  readonly #backlog = new Gauge({
    name: prometheus.reviewBacklogOpen.name,
    help: 'Open and deferred review candidates per tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });
  readonly #backlogAge = new Gauge({
    name: prometheus.reviewBacklogOldestAge.name,
    help: 'Age of the oldest open or deferred review candidate per tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  reviewBacklog(tenant: string, open: number, oldestAgeMs: number): void {
    this.#backlog.set({ tenant }, open);
    this.#backlogAge.set({ tenant }, oldestAgeMs / 1000);
  }
  queueDepth(queue: 'intake' | 'dlq', visible: number, inFlight: number): void {
    this.#depth.set({ queue, state: 'visible' }, visible);
    this.#depth.set({ queue, state: 'in_flight' }, inFlight);
  }
  flush(): void {}
}

/**
 * EMF adapter: metrics land in CloudWatch from the log stream, no API calls in the hot path. One Metrics instance per
 * namespace (one EMF document each); names and dimensions from core/metrics/names.ts, which the alarms read.
 */
export class EmfIntakeMetrics implements IntakeMetrics {
  readonly #metrics = new Metrics({ namespace: namespaces.er, serviceName: services.erIntake });
  readonly #review = new Metrics({ namespace: namespaces.review, serviceName: services.erIntake });
  readonly #cost: Metrics;
  readonly #usage: Metrics;
  readonly #tenantEvents = new Map<string, number>();

  constructor(stage: string) {
    this.#cost = new Metrics({
      namespace: namespaces.cost,
      serviceName: services.erIntake,
      defaultDimensions: { Stage: stage, Component: 'er' },
    });
    // Per stage like the origin's usage metrics, so the cost dashboard's tenant row (one SEARCH per stage) finds it.
    this.#usage = new Metrics({
      namespace: namespaces.usage,
      serviceName: services.erIntake,
      defaultDimensions: { Stage: stage },
    });
  }

  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number, tenant: string): void {
    // Summed per batch and written once per tenant at flush: one datapoint per tenant and batch, not per event.
    this.#tenantEvents.set(tenant, (this.#tenantEvents.get(tenant) ?? 0) + 1);
    this.#metrics.addMetric(duplicate ? 'EventsDuplicate' : `Events${band}`, MetricUnit.Count, 1);
    this.#metrics.addMetric(cloudwatch.erEventsProcessed.name, MetricUnit.Count, 1);
    this.#metrics.addMetric(cloudwatch.erEventLag.name, MetricUnit.Milliseconds, lagMs);
    this.#metrics.addMetric(cloudwatch.erEventDuration.name, MetricUnit.Milliseconds, durationMs);
  }
  failed(code: string, lastReceive: boolean): void {
    this.#metrics.addMetric(cloudwatch.erEventsFailed.name, MetricUnit.Count, 1);
    if (lastReceive) this.#metrics.addMetric(cloudwatch.erEventsDeadLettered.name, MetricUnit.Count, 1);
    this.#metrics.addMetric(`Failed_${code}`, MetricUnit.Count, 1);
  }
  oldestAge(ms: number): void {
    this.#metrics.addMetric(cloudwatch.erOldestMessageAge.name, MetricUnit.Milliseconds, ms);
  }
  upstashCommands(count: number): void {
    if (count > 0) this.#cost.addMetric(cloudwatch.upstashCommands.name, MetricUnit.Count, count);
  }
  reviewBacklog(_tenant: string, open: number, oldestAgeMs: number): void {
    // No tenant dimension: one metric per tenant would cost per tenant; the alarm reads the Maximum over tenants.
    this.#review.addMetric(cloudwatch.reviewBacklogOpen.name, MetricUnit.Count, open);
    this.#review.addMetric(cloudwatch.reviewBacklogOldestAge.name, MetricUnit.Seconds, oldestAgeMs / 1000);
    this.#review.publishStoredMetrics();
  }
  flush(): void {
    this.#metrics.publishStoredMetrics();
    this.#cost.publishStoredMetrics();
    for (const [tenant, events] of this.#tenantEvents) {
      const single = this.#usage.singleMetric();
      single.addDimension('Tenant', tenant);
      single.addMetric(cloudwatch.tenantErEvents.name, MetricUnit.Count, events);
    }
    this.#tenantEvents.clear();
  }
}

/**
 * The intake API's request counter for the local server's /metrics (`graphgate_intake_requests_total{outcome}`, read
 * by the ingest availability SLO's PrometheusRule). In AWS the same SLO reads API Gateway's own 5xx and Count.
 */
export function promIntakeRequests(registry = new Registry()) {
  const requests = new Counter({
    name: prometheus.intakeRequests.name,
    help: 'Producer requests to POST /intake by outcome',
    labelNames: prometheus.intakeRequests.labels,
    registers: [registry],
  });
  return { registry, count: (outcome: Outcome) => requests.inc({ outcome }) };
}
