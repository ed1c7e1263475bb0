/**
 * Local ER worker (`npm start` runs it): long-polls the intake queue on ElasticMQ and invokes the same batch logic as
 * the Lambda with SQS-shaped records (batches of up to WORKER_BATCH_SIZE, the deployed batch size unless set),
 * deleting successes and leaving failures to SQS's redrive — the same contract as Lambda's event source with
 * ReportBatchItemFailures. Serves /metrics (Prometheus) and /healthz.
 *
 * A batch's deadline is the consumer's timeout after its first receive (as Lambda gives an invocation), and never
 * later than the visibility timeout minus a second, so a message does not come back to another receive while its batch
 * still runs (exactly once holds either way; the second receive would be wasted work).
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { chunks, sqsClient } from '../core/aws/sqs.js';
import type { Effect } from '../core/er/pipeline.js';
import { serveMetrics } from '../core/http/metrics-server.js';
import { traceContextHeaders } from '../core/telemetry/propagation.js';
import { registerTracing } from '../core/telemetry/tracing.js';
import { reportReviewBacklogs } from './backlog.js';
import { type ConsumerConfig, loadConsumerConfig, loadWorkerConfig, type WorkerConfig } from './config.js';
import { type IntakeRecord, type MessageResult, processBatch } from './consumer.js';
import { gatherBatch } from './gather.js';
import { jsonLog } from './log.js';
import { PromIntakeMetrics } from './metrics.js';
import { createConsumerRuntime } from './runtime.js';

function toRecord(m: Message): IntakeRecord {
  return {
    messageId: m.MessageId!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue }]),
    ),
  };
}

/** How often the local worker reports every tenant's review backlog (the deployed emitter's schedule is in CDK). */
export const reviewBacklogSweepMs = 60_000;

export interface Worker {
  metrics: PromIntakeMetrics;
  /** Stops polling, waits for batches in flight, closes clients. */
  stop(): Promise<void>;
}

/** Benchmark hooks: a replacement effect and a callback per processed batch. */
export interface WorkerHooks {
  effect?: Effect;
  onResults?: (results: MessageResult[]) => void;
  log?: (entry: Record<string, unknown>) => void;
}

/** Starts the polling loops; resolves once the runtime (driver, schema, clients) is ready. */
export async function startWorker(
  consumer: ConsumerConfig,
  worker: WorkerConfig,
  hooks: WorkerHooks = {},
): Promise<Worker> {
  const metrics = new PromIntakeMetrics();
  const runtime = await createConsumerRuntime(consumer, metrics, {
    migrate: true,
    effect: hooks.effect,
    log: hooks.log,
  });
  const sqs = sqsClient({ region: consumer.region, endpoint: worker.sqsEndpoint });
  let running = true;
  const abort = new AbortController();
  const deleting = new Set<Promise<void>>();

  const receive = async (max: number, waitS: number) => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: worker.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitS,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: [...traceContextHeaders],
      }),
      // Only the long poll is cut short by stop(): a receive that does not wait returns at once, and what it
      // received is processed with the rest of its batch.
      waitS > 0 ? { abortSignal: abort.signal } : {},
    );
    return out.Messages ?? [];
  };
  // The time a batch has, as the consumer Lambda's timeout gives an invocation, and never past a second before the
  // first messages become visible again.
  const budgetMs = Math.min(worker.consumerTimeoutS, worker.visibilityTimeoutS - 1) * 1000;

  const loop = async () => {
    while (running) {
      let batch: { messages: Message[]; receivedAt: number };
      try {
        batch = await gatherBatch(receive, {
          batchSize: worker.batchSize,
          windowMs: worker.batchingWindowMs,
          waitS: worker.waitS,
          running: () => running,
          onError: (err) => jsonLog({ level: 'warn', msg: 'receive failed while gathering', error: String(err) }),
        });
      } catch (err) {
        if (!running) return;
        jsonLog({ level: 'error', msg: 'receive failed', error: String(err) });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const { messages, receivedAt } = batch;
      if (messages.length === 0) continue;
      const deadline = receivedAt + budgetMs;
      const { results } = await processBatch(runtime.deps, messages.map(toRecord), () => deadline - Date.now());
      hooks.onResults?.(results);
      const ok = new Set(results.filter((r) => r.ok).map((r) => r.messageId));
      // The next batch is gathered while these deletes go out, as Lambda's event source deletes a batch after the
      // invocation returned; stop() waits for them.
      const deleted = deleteDone(messages.filter((m) => ok.has(m.MessageId!)));
      deleting.add(deleted);
      void deleted.finally(() => deleting.delete(deleted));
    }
  };

  /** Deletes processed messages (a delete that fails only means a redelivery, which is a no-op). */
  const deleteDone = async (done: Message[]) => {
    await Promise.all(
      chunks(done).map(async (chunk) => {
        try {
          const { Failed } = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: worker.queueUrl,
              Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
          if (Failed?.length)
            jsonLog({
              level: 'error',
              msg: 'deletes refused (those events will be redelivered, no-ops)',
              failed: Failed.map((f) => ({ code: f.Code, message: f.Message })),
            });
        } catch (err) {
          jsonLog({ level: 'error', msg: 'delete failed (events will be redelivered, no-ops)', error: String(err) });
        }
      }),
    );
  };

  const depth = async () => {
    for (const [queue, url] of [
      ['intake', worker.queueUrl],
      ['dlq', worker.dlqUrl],
    ] as const) {
      if (!url) continue;
      const { Attributes: a } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      metrics.queueDepth(
        queue,
        Number(a?.ApproximateNumberOfMessages ?? 0),
        Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0),
      );
    }
  };
  const depthTimer = setInterval(() => void depth().catch(() => undefined), 5_000);
  // What the scheduled emitter does in AWS: every tenant's review backlog, whether or not events arrive.
  const reported = new Set<string>();
  const backlogTimer = setInterval(
    () =>
      void reportReviewBacklogs(runtime.reviews, metrics, reported).catch((err: unknown) =>
        jsonLog({ level: 'warn', msg: 'review backlog sweep failed', error: String(err) }),
      ),
    reviewBacklogSweepMs,
  );
  const loops = Array.from({ length: worker.batches }, loop);

  return {
    metrics,
    async stop() {
      running = false;
      clearInterval(depthTimer);
      clearInterval(backlogTimer);
      abort.abort();
      await Promise.allSettled(loops);
      await Promise.allSettled(deleting);
      sqs.destroy();
      await runtime.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tracing = registerTracing('graphgate-er-worker');
  const consumer = loadConsumerConfig();
  const config = loadWorkerConfig();
  const worker = await startWorker(consumer, config);
  const registry = worker.metrics.registry;
  const server = config.metricsPort
    ? await serveMetrics(config.metricsPort, async () => ({
        contentType: registry.contentType,
        body: await registry.metrics(),
      }))
    : undefined;
  console.log(
    `GRAPHGATE_ER_WORKER_READY queue=${config.queueUrl} batches=${config.batches} batchSize=${config.batchSize}` +
      ` concurrency=${consumer.concurrency}` +
      (server ? ` metrics=http://127.0.0.1:${config.metricsPort}/metrics` : ''),
  );
  const shutdown = async () => {
    server?.close();
    await worker.stop();
    await tracing.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
