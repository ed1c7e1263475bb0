/**
 * ER consumer Lambda (SQS event source with ReportBatchItemFailures): parses the batch, runs the pipeline with bounded
 * concurrency, answers the failed message ids. Everything else lives in consumer.ts and functions/core/er.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { flushingTraces, registerTracing } from '../core/telemetry/tracing.js';
import { loadConsumerConfig } from './config.js';
import { processBatch } from './consumer.js';
import { EmfIntakeMetrics } from './metrics.js';
import { createConsumerRuntime } from './runtime.js';

// Once per container: secrets into the environment, then the typed config (a bad variable fails the cold start).
const runtime = resolveSecretEnv().then(() => {
  const config = loadConsumerConfig();
  return createConsumerRuntime(config, new EmfIntakeMetrics(config.stage));
});

// Each record's span continues the trace of the request that enqueued it (message attribute `traceparent`).
const tracing = registerTracing('graphgate-er-worker');

/** SQSHandler returning `batchItemFailures`: the events that failed come back after the visibility timeout. */
export const handler = flushingTraces(tracing, async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { deps } = await runtime;
  const { batchItemFailures } = await processBatch(deps, event.Records, () => context.getRemainingTimeInMillis());
  return { batchItemFailures };
});
