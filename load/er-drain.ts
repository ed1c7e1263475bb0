/**
 * Draining a batch of ER events through a real worker on a queue pair of its own, and warming the graph database's
 * JVM that way before a benchmark measures (bench:ingest, load).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Effect } from '../functions/core/er/pipeline.js';
import type { Envelope } from '../functions/core/er/schemas.js';
import type { ConsumerConfig, WorkerConfig } from '../functions/er-intake/config.js';
import type { MessageResult } from '../functions/er-intake/consumer.js';
import { startWorker } from '../functions/er-intake/local-worker.js';
import { createQueuePair } from '../infra/local/queues.js';
import { waitFor } from '../infra/local/wait-for.js';
import { generateEvents } from './er-events.js';
import { round } from './evidence.js';
import { jvmJitCpuMs } from './proc-cpu.js';

/** Sends envelopes as SQS messages stamped with their acceptance time, ten per batch call, 20 calls at once. */
export async function sendEnvelopes(client: SQSClient, queueUrl: string, envelopes: readonly Envelope[]) {
  for (let i = 0; i < envelopes.length; i += 200) {
    const slice = envelopes.slice(i, i + 200);
    await Promise.all(
      Array.from({ length: Math.ceil(slice.length / 10) }, (_, j) => slice.slice(j * 10, j * 10 + 10)).map((c) =>
        client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: c.map((m, k) => ({
              Id: String(k),
              MessageBody: JSON.stringify({ ...m, acceptedAt: Date.now() }),
            })),
          }),
        ),
      ),
    );
  }
}

/** Where and how a drain runs its worker. */
export interface DrainOptions {
  sqs: SQSClient;
  /** The worker's configuration on a queue (the drain makes a fresh queue pair for each drain). */
  configs: (queueUrl: string) => readonly [ConsumerConfig, WorkerConfig];
  effect?: Effect;
  /** Called once the worker is started (after the producer's sends and its schema migration), and once drained. */
  started?: () => void;
  drained?: () => void;
}

/**
 * Preloads `envelopes` on a fresh queue pair, runs a worker until every one has a result, stops it. `seconds` runs from
 * the first result to the last.
 */
export async function drainEvents(
  label: string,
  envelopes: readonly Envelope[],
  o: DrainOptions,
): Promise<{ results: MessageResult[]; seconds: number }> {
  const pair = await createQueuePair(o.sqs, `bench-${label}-${Date.now()}`, { visibilityTimeoutS: 30 });
  await sendEnvelopes(o.sqs, pair.queueUrl, envelopes);
  const results: MessageResult[] = [];
  let first = 0;
  let last = 0;
  const worker = await startWorker(...o.configs(pair.queueUrl), {
    effect: o.effect,
    log: () => {},
    onResults: (rs) => {
      first ||= performance.now();
      last = performance.now();
      results.push(...rs);
    },
  });
  o.started?.();
  try {
    await waitFor(`${label} drained`, async () => (results.length >= envelopes.length ? true : undefined), 900_000);
    o.drained?.();
  } finally {
    await worker.stop();
  }
  return { results, seconds: (last - first) / 1000 };
}

/** One warm-up window: events drained, their rate, and the JIT CPU per event while they drained. */
export interface WarmupWindow {
  events: number;
  events_per_s: number;
  jit_ms_per_event: number;
}

/**
 * A warm-up ends once the graph database's JIT compilers spend less than this per event over a window: 5% of the
 * 10 ms of CPU an event may cost for 200 events/s on two cores.
 */
export const jitSettledMsPerEvent = 0.5;

export interface JvmWarmup {
  /** Whether a window's JIT CPU per event fell under the bound (false: the windows ran out first). */
  settled: boolean;
  settledBelowJitMsPerEvent: number;
  windows: WarmupWindow[];
}

/**
 * Warms the graph database's JVM (`neo4jPid`) with ER events: a freshly started one spends minutes compiling its hot
 * code (measured: 6–12 ms of JIT CPU per event over its first 1,500 events, 0.3 ms after 15,000), which is start-up,
 * not what an event costs a long-running database. Drains windows of `windowEvents` events of tenants of their own
 * (the measured tenants' graphs start as empty as without it) through the worker until the JIT's CPU per event falls
 * under {@link jitSettledMsPerEvent}, or `maxWindows` ran. The first window is the cold figure.
 */
export async function warmGraphJvm(
  neo4jPid: number | undefined,
  o: DrainOptions & {
    windowEvents: number;
    maxWindows: number;
    log?: (line: string) => void;
  },
): Promise<JvmWarmup> {
  const windows: WarmupWindow[] = [];
  const done = (settled: boolean) => ({ settled, settledBelowJitMsPerEvent: jitSettledMsPerEvent, windows });
  for (let w = 0; w < o.maxWindows; w++) {
    let jit0 = 0;
    let jit1 = 0;
    const envelopes = generateEvents({
      total: o.windowEvents,
      duplicateShare: 0,
      poisonShare: 0,
      tenants: 8,
      seed: 100 + w,
    }).unique;
    const run = await drainEvents(`jvm-warm-${w}`, envelopes, {
      ...o,
      started: () => {
        jit0 = jvmJitCpuMs(neo4jPid);
      },
      drained: () => {
        jit1 = jvmJitCpuMs(neo4jPid);
      },
    });
    const window = {
      events: run.results.length,
      events_per_s: round(run.results.length / run.seconds, 2),
      jit_ms_per_event: round((jit1 - jit0) / run.results.length, 2),
    };
    windows.push(window);
    o.log?.(
      `graph JVM warm-up window ${w + 1}: ${window.events_per_s} events/s, JIT ${window.jit_ms_per_event} ms/event`,
    );
    if (window.jit_ms_per_event < jitSettledMsPerEvent) return done(true);
  }
  return done(false);
}
