/**
 * The cap of the twin's ER worker, derived from a stage's ER consumer settings the way its event source caps the
 * Lambda (infra/cdk/config/stages.ts `ingest`; infra/cdk/stacks/ingest-stack.ts): at most `consumerMaxConcurrency`
 * invocations at once, each handed one batch of up to `batchSize` messages and working on `ER_CONCURRENCY` of its
 * events at once. The local worker runs one batch loop per invocation, so the events in flight (what competes with
 * the GraphQL scenarios for Neo4j) are bounded as in that stage.
 */

import { defaultErConcurrency } from '../functions/er-intake/config.js';
import type { StageConfig, StageName } from '../infra/cdk/config/stages.js';

/** What the worker runs with, and where each number comes from. */
export interface ErWorkerCap {
  /** The stage whose consumer settings the worker mirrors. */
  stage: StageName;
  /** The event source's maximum concurrency: invocations at once → the worker's batch loops. */
  consumerMaxConcurrency: number;
  /** Messages per invocation → messages per batch the worker gathers. */
  batchSize: number;
  /** Events of one batch processed at once (the consumer's ER_CONCURRENCY, at most the batch). */
  eventsAtOncePerBatch: number;
  /** The bound on events in flight: batch loops × events at once per batch. */
  eventsInFlight: number;
  /** The worker's environment that applies it (functions/er-intake/config.ts). */
  env: { WORKER_BATCHES: string; WORKER_BATCH_SIZE: string; ER_CONCURRENCY: string };
}

/**
 * The worker cap of `stage`, from its ingest settings; `erConcurrency` is what the deployed consumer runs each batch
 * with (the ingest stack leaves ER_CONCURRENCY unset, so the consumer's default).
 *
 * @example erWorkerCap('dev', stages.dev.ingest) // 2 loops × 50 messages, 50 at once: 100 events in flight
 */
export function erWorkerCap(
  stage: StageName,
  ingest: Pick<StageConfig['ingest'], 'consumerMaxConcurrency' | 'batchSize'>,
  erConcurrency: number = defaultErConcurrency,
): ErWorkerCap {
  const { consumerMaxConcurrency, batchSize } = ingest;
  for (const [name, v] of Object.entries({ consumerMaxConcurrency, batchSize, erConcurrency }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`ER worker cap: ${name} must be a positive integer, got ${v}`);
  const eventsAtOncePerBatch = Math.min(erConcurrency, batchSize);
  return {
    stage,
    consumerMaxConcurrency,
    batchSize,
    eventsAtOncePerBatch,
    eventsInFlight: consumerMaxConcurrency * eventsAtOncePerBatch,
    env: {
      WORKER_BATCHES: String(consumerMaxConcurrency),
      WORKER_BATCH_SIZE: String(batchSize),
      ER_CONCURRENCY: String(eventsAtOncePerBatch),
    },
  };
}

/** One line for the run's log and table. */
export function describeErWorkerCap(cap: ErWorkerCap): string {
  return (
    `ER worker capped as stage ${cap.stage}'s consumer: ${cap.consumerMaxConcurrency} batches at once ` +
    `(consumerMaxConcurrency) of ≤ ${cap.batchSize} events (batchSize), ${cap.eventsAtOncePerBatch} at once each: ` +
    `≤ ${cap.eventsInFlight} events in flight`
  );
}
