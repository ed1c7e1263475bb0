import { sqsMaxBatch } from '../aws/sqs.js';
import { queues } from '../resources/index.js';
import type { Usage } from './model.js';

/**
 * A workload: monthly volumes plus the per-request shape that turns them into usage. Defaults are stated assumptions
 * (each says where it comes from); `npm run cost:report` replaces the measured ones with numbers from a benchmark run.
 */
export interface Workload {
  readonly graphqlCallsPerMonth: number;
  readonly ingestedEventsPerMonth: number;
  /** Share of calls the edge answers from Upstash without calling the origin. */
  readonly edgeCacheHitRatio: number;
  /** Billed Lambda@Edge duration per call (ms) and its memory (MB). */
  readonly edgeMsPerCall: number;
  readonly edgeMemoryMb: number;
  /** Billed origin duration per invocation (ms) and its memory (MB). */
  readonly originMsPerCall: number;
  readonly originMemoryMb: number;
  readonly responseBytes: number;
  /** Redis commands per call on a hit (GET) and extra commands on a miss (SET + tag index). */
  readonly upstashCommandsPerHit: number;
  readonly upstashCommandsPerMiss: number;
  /** Producers batch events into one intake request. */
  readonly eventsPerIntakeRequest: number;
  readonly intakeMsPerRequest: number;
  readonly intakeMemoryMb: number;
  /** SQS batch size of the ER consumer. */
  readonly consumerBatchSize: number;
  /** Consumer busy time per event (ms); a batch bills `batch × this`. */
  readonly consumerMsPerEvent: number;
  readonly consumerMemoryMb: number;
  /** Idempotency put + completion update + audit ledger append. */
  readonly dynamoWriteUnitsPerEvent: number;
  /** Audit chain head read (eventually consistent reads are half a unit). */
  readonly dynamoReadUnitsPerEvent: number;
  /** HIGH-band merges invalidate cached entities. */
  readonly upstashCommandsPerEvent: number;
}

/** Monthly volumes and shapes assumed when no measurement replaces them. */
export const defaultWorkload: Workload = {
  graphqlCallsPerMonth: 300_000_000, // ~115 rps average, the plan's GA sizing
  ingestedEventsPerMonth: 50_000_000, // ~19 events/s average
  edgeCacheHitRatio: 0.6,
  edgeMsPerCall: 8,
  edgeMemoryMb: 128,
  originMsPerCall: 60,
  originMemoryMb: 1024,
  responseBytes: 4 * 1024,
  upstashCommandsPerHit: 1,
  upstashCommandsPerMiss: 2,
  eventsPerIntakeRequest: 10,
  intakeMsPerRequest: 15,
  intakeMemoryMb: 256,
  consumerBatchSize: queues.intake.batchSize,
  consumerMsPerEvent: 12,
  consumerMemoryMb: 512,
  dynamoWriteUnitsPerEvent: 3,
  dynamoReadUnitsPerEvent: 0.5,
  upstashCommandsPerEvent: 0.2,
};

const gbSeconds = (ms: number, memoryMb: number) => (ms / 1000) * (memoryMb / 1024);

/** Monthly usage of a workload, in the units of `usageKeys`. */
export function usageFromWorkload(w: Workload): Usage {
  const calls = w.graphqlCallsPerMonth;
  const misses = calls * (1 - w.edgeCacheHitRatio);
  const events = w.ingestedEventsPerMonth;
  const intakeRequests = events / w.eventsPerIntakeRequest;
  const batches = events / w.consumerBatchSize;
  return {
    graphqlCalls: calls,
    cloudfrontGbOut: (calls * w.responseBytes) / 1e9,
    edgeInvocations: calls,
    edgeGbSeconds: calls * gbSeconds(w.edgeMsPerCall, w.edgeMemoryMb),
    originInvocations: misses,
    originGbSeconds: misses * gbSeconds(w.originMsPerCall, w.originMemoryMb),
    upstashCommands: calls * w.upstashCommandsPerHit + misses * w.upstashCommandsPerMiss,
    ingestedEvents: events,
    intakeApiRequests: intakeRequests,
    intakeInvocations: intakeRequests,
    intakeGbSeconds: intakeRequests * gbSeconds(w.intakeMsPerRequest, w.intakeMemoryMb),
    // one SendMessageBatch per intake request; per consumer batch, the receives and DeleteMessageBatch calls that
    // carry it (at most 10 messages each)
    sqsRequests: intakeRequests + 2 * batches * Math.ceil(w.consumerBatchSize / sqsMaxBatch),
    consumerInvocations: batches,
    consumerGbSeconds: events * gbSeconds(w.consumerMsPerEvent, w.consumerMemoryMb),
    dynamoWriteUnits: events * w.dynamoWriteUnitsPerEvent,
    dynamoReadUnits: events * w.dynamoReadUnitsPerEvent,
    ingestUpstashCommands: events * w.upstashCommandsPerEvent,
  };
}
