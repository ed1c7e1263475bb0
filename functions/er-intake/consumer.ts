/**
 * A batch of SQS messages through the ER pipeline with bounded concurrency, answering SQS partial batch failures:
 * successes are deleted by the caller (Lambda's event source or the local worker), failures become visible again and,
 * after maxReceiveCount receives, move to the DLQ. Every failure's code is stored under the body's hash, so the reason
 * of a dead-lettered message stays retrievable.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SQSBatchItemFailure, SQSRecord } from 'aws-lambda';
import { errorCode, poisonCodes } from '../core/er/errors.js';
import { type PipelineDeps, parseEnvelope, processEnvelope } from '../core/er/pipeline.js';
import { bodyHash, type FailureStore } from '../core/idempotency/failures.js';
import { contextFromMessageAttributes } from '../core/telemetry/propagation.js';
import type { IntakeMetrics } from './metrics.js';

const tracer = trace.getTracer('graphgate-er');

/** The fields of an SQS record the consumer reads (the local worker builds these from ReceiveMessage). */
export type IntakeRecord = Pick<SQSRecord, 'messageId' | 'body'> & {
  attributes: Pick<SQSRecord['attributes'], 'ApproximateReceiveCount' | 'SentTimestamp'>;
  /** Message attributes; `traceparent` / `tracestate` continue the trace of the request that enqueued it. */
  messageAttributes?: Record<string, { stringValue?: string }>;
};

export interface ConsumerDeps extends PipelineDeps {
  failures: FailureStore;
  metrics: IntakeMetrics;
  concurrency: number;
  maxReceiveCount: number;
  log: (entry: Record<string, unknown>) => void;
  /** A tenant's review backlog (the review store's); absent: no backlog metrics. */
  reviewBacklog?: (tenant: string) => Promise<{ open: number; oldestCreatedAt: string | null }>;
}

/** Per-message result, for the worker's logs and the benchmark. */
export interface MessageResult {
  messageId: string;
  ok: boolean;
  code?: string;
  duplicate?: boolean;
  beforeGraphMs?: number;
  /** ms from acceptance by the API to the end of processing (successes only). */
  lagMs?: number;
  durationMs: number;
  /** The tenant of an event that opened a review candidate (its backlog is reported after the batch). */
  reviewTenant?: string;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** One message in a CONSUMER span continuing the producer's trace; a failure marks it ERROR (tail sampling keeps it). */
function tracedRecord(deps: ConsumerDeps, record: IntakeRecord, remainingMs: () => number): Promise<MessageResult> {
  const parent = contextFromMessageAttributes(record.messageAttributes);
  return tracer.startActiveSpan(
    'er.process',
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'aws_sqs', 'messaging.message.id': record.messageId },
    },
    parent,
    async (span) => {
      try {
        const result = await processRecord(deps, record, remainingMs);
        if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
        return result;
      } finally {
        span.end();
      }
    },
  );
}

async function processRecord(
  deps: ConsumerDeps,
  record: IntakeRecord,
  remainingMs: () => number,
): Promise<MessageResult> {
  const started = performance.now();
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
  let ids: { tenant: string | null; eventId: string | null } = { tenant: null, eventId: null };
  try {
    const envelope = parseEnvelope(record.body);
    ids = { tenant: envelope.tenant, eventId: envelope.eventId };
    const result = await processEnvelope(deps, envelope, remainingMs());
    const durationMs = performance.now() - started;
    const lagMs = Date.now() - envelope.acceptedAt;
    deps.metrics.processed(result.outcome.band, result.duplicate, lagMs, durationMs, envelope.tenant);
    return {
      messageId: record.messageId,
      ok: true,
      lagMs,
      duplicate: result.duplicate,
      beforeGraphMs: result.beforeGraphMs,
      durationMs,
      ...(result.outcome.reviewId && !result.duplicate ? { reviewTenant: envelope.tenant } : {}),
    };
  } catch (err) {
    const code = errorCode(err);
    const lastReceive = receiveCount >= deps.maxReceiveCount;
    deps.metrics.failed(code, lastReceive);
    const message = err instanceof Error ? err.message : String(err);
    deps.log({
      level: poisonCodes.has(code as never) ? 'warn' : 'error',
      msg: 'event failed',
      code,
      messageId: record.messageId,
      ...ids,
      receiveCount,
      lastReceive,
      error: message.slice(0, 500),
    });
    await deps.failures
      .record({
        bodyHash: bodyHash(record.body),
        messageId: record.messageId,
        ...ids,
        code,
        message: message.slice(0, 1000),
        receiveCount,
        at: new Date().toISOString(),
      })
      .catch((e: unknown) => deps.log({ level: 'error', msg: 'could not record failure', error: String(e) }));
    return { messageId: record.messageId, ok: false, code, durationMs: performance.now() - started };
  }
}

/** Backlog of each tenant the batch opened reviews for; a failed read is logged, never fails the batch. */
async function reportReviewBacklogs(deps: ConsumerDeps, results: readonly MessageResult[]): Promise<void> {
  if (!deps.reviewBacklog) return;
  for (const tenant of new Set(results.flatMap((r) => (r.reviewTenant ? [r.reviewTenant] : [])))) {
    try {
      const { open, oldestCreatedAt } = await deps.reviewBacklog(tenant);
      const ageMs = oldestCreatedAt ? Math.max(0, Date.now() - Date.parse(oldestCreatedAt)) : 0;
      deps.metrics.reviewBacklog(tenant, open, ageMs);
    } catch (err) {
      deps.log({ level: 'warn', msg: 'could not read the review backlog', tenant, error: String(err) });
    }
  }
}

/**
 * Processes a batch; returns the SQS partial-failure answer plus per-message results.
 *
 * @example
 * const { batchItemFailures } = await processBatch(deps, event.Records, () => context.getRemainingTimeInMillis());
 */
export async function processBatch(
  deps: ConsumerDeps,
  records: readonly IntakeRecord[],
  remainingMs: () => number,
): Promise<{ batchItemFailures: SQSBatchItemFailure[]; results: MessageResult[] }> {
  const oldest = Math.min(...records.map((r) => Number(r.attributes.SentTimestamp ?? Date.now())));
  if (records.length) deps.metrics.oldestAge(Math.max(0, Date.now() - oldest));
  const results = await mapBounded(records, deps.concurrency, (r) => tracedRecord(deps, r, remainingMs));
  await reportReviewBacklogs(deps, results);
  deps.metrics.flush();
  return {
    batchItemFailures: results.filter((r) => !r.ok).map((r) => ({ itemIdentifier: r.messageId })),
    results,
  };
}
