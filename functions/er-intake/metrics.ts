/**
 * ER intake metrics: one small port, two adapters — Prometheus (prom-client) for the local worker's /metrics, and
 * CloudWatch EMF (Powertools Metrics) when deployed, where queue depth and oldest-message age come from SQS's own
 * CloudWatch metrics and the consumer adds what only it knows (bands, failure codes, lag).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Counter, Gauge, Histogram } from 'prom-client';
import { reviewMetrics } from '../core/cost/metrics.js';
import type { Band } from '../core/er/config.js';
import { openMetricsRegistry, traceExemplar } from '../core/telemetry/exemplars.js';

export interface IntakeMetrics {
  /** One event done: its band, whether it was a duplicate, lag since the API accepted it, and processing time. */
  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number): void;
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

  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number): void {
    this.#processed.inc({ band, duplicate: String(duplicate) });
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
  readonly #backlog = new Gauge({
    name: reviewMetrics.prometheus.backlogOpen,
    help: 'Open and deferred review candidates per tenant',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });
  readonly #backlogAge = new Gauge({
    name: reviewMetrics.prometheus.backlogOldestAge,
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

/** EMF adapter: metrics land in CloudWatch from the log stream, no API calls in the hot path. */
export class EmfIntakeMetrics implements IntakeMetrics {
  readonly #metrics = new Metrics({ namespace: 'graphgate', serviceName: 'er-intake' });
  // Its own namespace (one EMF document per namespace), named once in core/cost/metrics.ts for the alarm to read.
  readonly #review = new Metrics({ namespace: reviewMetrics.namespace, serviceName: reviewMetrics.service });

  processed(band: Band, duplicate: boolean, lagMs: number, durationMs: number): void {
    this.#metrics.addMetric(duplicate ? 'EventsDuplicate' : `Events${band}`, MetricUnit.Count, 1);
    this.#metrics.addMetric('EventsProcessed', MetricUnit.Count, 1);
    this.#metrics.addMetric('EventLag', MetricUnit.Milliseconds, lagMs);
    this.#metrics.addMetric('EventDuration', MetricUnit.Milliseconds, durationMs);
  }
  failed(code: string, lastReceive: boolean): void {
    this.#metrics.addMetric('EventsFailed', MetricUnit.Count, 1);
    if (lastReceive) this.#metrics.addMetric('EventsDeadLettered', MetricUnit.Count, 1);
    this.#metrics.addMetric(`Failed_${code}`, MetricUnit.Count, 1);
  }
  oldestAge(ms: number): void {
    this.#metrics.addMetric('OldestMessageAge', MetricUnit.Milliseconds, ms);
  }
  reviewBacklog(_tenant: string, open: number, oldestAgeMs: number): void {
    // No tenant dimension: one metric per tenant would cost per tenant; the alarm reads the Maximum over tenants.
    this.#review.addMetric(reviewMetrics.backlogOpen, MetricUnit.Count, open);
    this.#review.addMetric(reviewMetrics.backlogOldestAge, MetricUnit.Seconds, oldestAgeMs / 1000);
    this.#review.publishStoredMetrics();
  }
  flush(): void {
    this.#metrics.publishStoredMetrics();
  }
}
