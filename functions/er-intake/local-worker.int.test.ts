import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { erConsumerEnv } from '../../infra/local/apps.js';
import { createQueuePair } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { sqsClient } from '../core/aws/sqs.js';
import type { Effect } from '../core/er/pipeline.js';
import { lowOutcome } from '../core/er/test-support/outcomes.js';
import { envelopeFor, personRecord } from '../core/er/test-support/records.js';
import { loadConsumerConfig, loadWorkerConfig } from './config.js';
import { startWorker } from './local-worker.js';

const t = twin();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
afterAll(() => sqs.destroy());

/** Answers every event LOW without touching the graph: these tests are about how messages are batched. */
const noGraph: Effect = async (envelope) => lowOutcome(envelope.eventId);

async function queueWith(name: string, count: number) {
  const tenant = testTenant(name).toLowerCase();
  const pair = await createQueuePair(sqs, `${name}-${tenant}`);
  const bodies = Array.from({ length: count }, (_, i) =>
    JSON.stringify(envelopeFor(tenant, `${name}-${i}`, personRecord())),
  );
  for (let i = 0; i < bodies.length; i += 10)
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pair.queueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
      }),
    );
  return pair.queueUrl;
}

/** Messages left in the queue, visible or in flight. */
async function inQueue(queueUrl: string) {
  const { Attributes: a } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
}

/** A worker of one batch loop on `queueUrl`; records the size and arrival time of every batch it processes. */
async function worker(queueUrl: string, batchSize: number, windowMs: number) {
  const batches: { size: number; at: number }[] = [];
  const w = await startWorker(
    loadConsumerConfig({ ...erConsumerEnv(t), ER_CONCURRENCY: String(batchSize) }),
    loadWorkerConfig({
      INTAKE_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: t.sqsEndpoint,
      WORKER_BATCHES: '1',
      WORKER_BATCH_SIZE: String(batchSize),
      WORKER_BATCHING_WINDOW_MS: String(windowMs),
      WORKER_WAIT_S: '1',
    }),
    { effect: noGraph, log: () => {}, onResults: (rs) => batches.push({ size: rs.length, at: Date.now() }) },
  );
  return { batches, stop: () => w.stop() };
}

const until = async (what: string, ok: () => boolean, timeoutMs = 30_000) => {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('local worker batching (the event source emulated on ElasticMQ)', () => {
  it('gathers a batch larger than one receive from a backlog, as the event source hands Lambda one', async () => {
    // Prepare
    const queueUrl = await queueWith('gather', 60);

    // Act
    const w = await worker(queueUrl, 25, 5_000);
    try {
      await until('60 events processed', () => w.batches.reduce((a, b) => a + b.size, 0) >= 60);
    } finally {
      await w.stop();
    }

    // Assess: SQS hands out at most 10 per receive, so every full batch came from a long poll and two receives side
    // by side; every message was deleted by the time stop() returned (the last batch's deletes were still going out
    // while the loop gathered again; SQS deletes at most 10 per call too), none waits for redelivery.
    expect(w.batches.map((b) => b.size)).toEqual([25, 25, 10]);
    expect(await inQueue(queueUrl)).toBe(0);
  });

  it('sends a short batch on at once instead of waiting out the window when the queue is drained', async () => {
    // Prepare: a window far longer than the wait the assertion allows.
    const queueUrl = await queueWith('short', 0);
    const w = await worker(queueUrl, 50, 20_000);
    try {
      // Act
      const sentAt = Date.now();
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [0, 1, 2].map((i) => ({
            Id: String(i),
            MessageBody: JSON.stringify(envelopeFor(testTenant('short').toLowerCase(), `lone-${i}`, personRecord())),
          })),
        }),
      );
      await until('3 events processed', () => w.batches.reduce((a, b) => a + b.size, 0) >= 3);

      // Assess
      expect(w.batches.reduce((a, b) => a + b.size, 0)).toBe(3);
      expect(w.batches[0]!.at - sentAt).toBeLessThan(10_000);
    } finally {
      await w.stop();
    }
  });
});
