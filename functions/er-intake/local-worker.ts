/**
 * Local ER worker (`npm start` runs it): long-polls the intake queue on ElasticMQ and invokes the same batch logic as
 * the Lambda with SQS-shaped records (batches of up to WORKER_BATCH_SIZE, the deployed batch size unless set),
 * deleting successes and leaving failures to SQS's redrive — the same contract as Lambda's event source with
 * ReportBatchItemFailures. Serves /metrics (Prometheus) and /healthz.
 *
 * The invocation deadline is the visibility timeout minus a second: an event's ledger claim must expire before the
 * message becomes visible again, or the next receive would find it claimed.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { sqsClient } from '../core/aws/sqs.js';
import type { Effect } from '../core/er/pipeline.js';
import { serveMetrics } from '../core/http/metrics-server.js';
import { traceContextHeaders } from '../core/telemetry/propagation.js';
import { registerTracing } from '../core/telemetry/tracing.js';
import { reportReviewBacklogs } from './backlog.js';
import { type ConsumerConfig, loadConsumerConfig, loadWorkerConfig, type WorkerConfig } from './config.js';
import { type IntakeRecord, type MessageResult, processBatch } from './consumer.js';
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

  const receive = async (max: number, waitS: number) => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: worker.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitS,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: [...traceContextHeaders],
      }),
      { abortSignal: abort.signal },
    );
    return out.Messages ?? [];
  };
  /**
   * One batch, as the event source hands Lambda one: a long poll, then — while every receive comes back full, the
   * batch has room and its window is open — more receives without waiting. A receive that comes back short means the
   * backlog is drained, so the batch leaves at once: the event source would wait out its window, which only adds
   * latency when there is nothing more to gather.
   */
  const receiveBatch = async () => {
    const perReceive = Math.min(10, worker.batchSize);
    let last = await receive(perReceive, worker.waitS);
    // The first messages became invisible when this receive returned: the batch's deadline counts from here.
    const receivedAt = Date.now();
    const until = receivedAt + worker.batchingWindowMs;
    const messages = [...last];
    while (running && last.length === perReceive && messages.length < worker.batchSize && Date.now() < until) {
      last = await receive(Math.min(perReceive, worker.batchSize - messages.length), 0);
      messages.push(...last);
    }
    return { messages, receivedAt };
  };

  const loop = async () => {
    while (running) {
      let messages: Message[] = [];
      let receivedAt = 0;
      try {
        ({ messages, receivedAt } = await receiveBatch());
      } catch (err) {
        if (!running) return;
        jsonLog({ level: 'error', msg: 'receive failed', error: String(err) });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (messages.length === 0) continue;
      const deadline = receivedAt + worker.visibilityTimeoutS * 1000 - 1000;
      const { results } = await processBatch(runtime.deps, messages.map(toRecord), () => deadline - Date.now());
      hooks.onResults?.(results);
      const ok = new Set(results.filter((r) => r.ok).map((r) => r.messageId));
      const done = messages.filter((m) => ok.has(m.MessageId!));
      // SQS deletes at most 10 per call, as it receives.
      const deletes = Array.from({ length: Math.ceil(done.length / 10) }, (_, i) => done.slice(i * 10, i * 10 + 10));
      await Promise.all(
        deletes.map((chunk) =>
          sqs
            .send(
              new DeleteMessageBatchCommand({
                QueueUrl: worker.queueUrl,
                Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
              }),
            )
            .catch((err: unknown) =>
              jsonLog({
                level: 'error',
                msg: 'delete failed (events will be redelivered, no-ops)',
                error: String(err),
              }),
            ),
        ),
      );
    }
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
