/**
 * Accepted events → SQS with SendMessageBatch (10 per call, calls in parallel). Entries SQS reports as failed are
 * retried once; what still fails is reported per event as ENQUEUE_FAILED, which the producer can safely resend with
 * the same idempotency key.
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { chunks } from '../core/aws/sqs.js';
import type { Envelope, IntakeEvent } from '../core/er/schemas.js';
import { traceMessageAttributes } from '../core/telemetry/propagation.js';

/** The event id of (tenant, idempotency key): deterministic, so a producer retry gets the same id back. */
export function eventIdFor(tenant: string, idempotencyKey: string): string {
  return `ev-${createHash('sha256').update(`${tenant}\u0000${idempotencyKey}`).digest('base64url').slice(0, 26)}`;
}

/** The SQS message of an accepted event. */
export function toEnvelope(tenant: string, submittedBy: string, event: IntakeEvent, now = Date.now()): Envelope {
  return {
    v: 1,
    tenant,
    eventId: eventIdFor(tenant, event.idempotencyKey),
    idempotencyKey: event.idempotencyKey,
    acceptedAt: now,
    submittedBy,
    record: event.record,
  };
}

/** Per envelope (same order): null when enqueued, else the reason it was not. */
export type EnqueueResult = null | { code: 'ENQUEUE_FAILED'; message: string };

async function sendChunk(
  sqs: SQSClient,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  try {
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    for (const f of out.Failed ?? []) failed.set(f.Id!, f.Code ?? f.Message ?? 'failed');
  } catch (err) {
    for (const e of entries) failed.set(e.Id!, err instanceof Error ? err.name : 'failed');
  }
  return failed;
}

/**
 * Enqueues envelopes in batches of 10.
 *
 * @example
 * const results = await enqueue(sqs, queueUrl, envelopes); // [null, null, {code: 'ENQUEUE_FAILED', …}]
 */
export async function enqueue(
  sqs: SQSClient,
  queueUrl: string,
  envelopes: readonly Envelope[],
): Promise<EnqueueResult[]> {
  // The request's trace context rides on each message (W3C traceparent as a message attribute): the worker's span
  // for the event joins the trace of the request that accepted it.
  const MessageAttributes = traceMessageAttributes();
  const entries = envelopes.map((e, i) => ({ Id: String(i), MessageBody: JSON.stringify(e), MessageAttributes }));
  const firstTry = await Promise.all(chunks(entries).map((c) => sendChunk(sqs, queueUrl, c)));
  const retry = entries.filter((e) => firstTry.some((f) => f.has(e.Id)));
  const stillFailed = new Map<string, string>();
  for (const c of chunks(retry)) {
    for (const [id, why] of await sendChunk(sqs, queueUrl, c)) stillFailed.set(id, why);
  }
  return envelopes.map((_, i) => {
    const why = stillFailed.get(String(i));
    return why
      ? {
          code: 'ENQUEUE_FAILED',
          message: `the queue did not accept it (${why}); resend with the same idempotency key`,
        }
      : null;
  });
}
