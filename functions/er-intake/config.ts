/**
 * Configuration of the intake API, the ER consumer and the local worker: read once at start, typed, loud. The CDK
 * ingest stack sets the same variables (plus `<NAME>_SECRET_REF` for secrets, resolved by core/config/secrets.ts).
 */
import { z } from 'zod';
import { type JwtOptions, jwtEnvShape, jwtOptionsFromEnv } from '../core/auth/index.js';
import { ConfigError, parseEnv } from '../core/config/env.js';
import type { Neo4jSettings, Stage } from '../core/config/shared-env.js';
import {
  awsRegion,
  ledgerBlockWritesEnvShape,
  localEndpoint,
  neo4jEnvShape,
  neo4jFromEnv,
  stageSchema,
} from '../core/config/shared-env.js';
import { defaultErConfig, type ErConfig, erConfigSchema } from '../core/er/config.js';
import { entityKinds } from '../core/graph/types.js';
import { queues } from '../core/resources/index.js';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export { ConfigError };

const parse = parseEnv;

/**
 * Events one invocation processes at once when `ER_CONCURRENCY` is unset, as the deployed consumer runs (the ingest
 * stack does not set it): a Lambda invocation works on its whole batch at once, so its events can share one graph
 * transaction (`ER_GRAPH_BATCH`, the same number).
 */
export const defaultErConcurrency: number = queues.intake.batchSize;

const consumerEnv = z.object({
  GRAPHGATE_STAGE: stageSchema,
  ...neo4jEnvShape,
  IDEMPOTENCY_TABLE: z.string().min(3),
  AUDIT_TABLE: z.string().min(3),
  DYNAMODB_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
  /** Comma-separated kinds to resolve; default all. */
  ER_ENABLED_KINDS: z.string().optional(),
  /** Events processed at once within one batch. */
  ER_CONCURRENCY: int(1, 100, defaultErConcurrency),
  /** Events per Neo4j effect transaction at most (concurrent events are grouped; one commit per group). */
  ER_GRAPH_BATCH: int(1, 100, queues.intake.batchSize),
  /** Effect transactions at once per process. */
  ER_GRAPH_TX_IN_FLIGHT: int(1, 32, 2),
  MAX_RECEIVE_COUNT: int(1, 1000, queues.intake.maxReceiveCount),
  ...ledgerBlockWritesEnvShape,
  /** The response cache's store: a merge evicts the cached reads of the entities it joined. Both or neither. */
  UPSTASH_URL: z.url().optional(),
  UPSTASH_TOKEN: z.string().min(1).optional(),
});

export interface ConsumerConfig {
  stage: Stage;
  neo4j: Neo4jSettings;
  idempotencyTable: string;
  auditTable: string;
  dynamoEndpoint?: string;
  region: string;
  er: ErConfig;
  concurrency: number;
  /** Grouping of concurrent events into Neo4j transactions (see core/er/group-commit.ts). */
  graph: { batch: number; txInFlight: number };
  maxReceiveCount: number;
  /** Whether the audit ledger stores a batch of entries as one block item (LEDGER_BLOCK_WRITES). */
  ledgerBlockWrites: boolean;
  /** Where the response cache lives; without it merges leave cached reads to their TTL. */
  upstash?: { url: string; token: string };
}

/** The ER consumer's configuration (Lambda handler and local worker). */
export function loadConsumerConfig(env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  const e = parse(consumerEnv, env, 'ER consumer');
  const kinds = e.ER_ENABLED_KINDS?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds?.filter((k) => !(entityKinds as readonly string[]).includes(k)) ?? [];
  if (unknown.length) throw new ConfigError(`ER_ENABLED_KINDS has unknown kinds: ${unknown.join(', ')}`);
  if (!e.UPSTASH_URL !== !e.UPSTASH_TOKEN) throw new ConfigError('set both UPSTASH_URL and UPSTASH_TOKEN, or neither');
  return {
    stage: e.GRAPHGATE_STAGE,
    neo4j: neo4jFromEnv(e),
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    auditTable: e.AUDIT_TABLE,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    er: erConfigSchema.parse({
      ...defaultErConfig,
      enabledKinds: kinds?.length ? kinds : defaultErConfig.enabledKinds,
    }),
    concurrency: e.ER_CONCURRENCY,
    graph: { batch: e.ER_GRAPH_BATCH, txInFlight: e.ER_GRAPH_TX_IN_FLIGHT },
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    ledgerBlockWrites: e.LEDGER_BLOCK_WRITES === 'on',
    upstash: e.UPSTASH_URL && e.UPSTASH_TOKEN ? { url: e.UPSTASH_URL, token: e.UPSTASH_TOKEN } : undefined,
  };
}

/** Batch loops of the local worker when `WORKER_BATCHES` is unset (the `dev` stage's consumer concurrency). */
export const defaultWorkerBatches = 2;

const workerEnv = z.object({
  INTAKE_QUEUE_URL: z.url(),
  DLQ_URL: z.url().optional(),
  SQS_ENDPOINT: localEndpoint,
  /** Batches in flight at once (each up to WORKER_BATCH_SIZE messages, each processed with ER_CONCURRENCY). */
  WORKER_BATCHES: int(1, 64, defaultWorkerBatches),
  /**
   * Messages per batch, like the event source's batch size: SQS hands out at most 10 per receive, so a larger batch
   * is gathered from several receives (see local-worker.ts `receiveBatch`).
   */
  WORKER_BATCH_SIZE: int(1, 1000, queues.intake.batchSize),
  /** How long a batch may gather after its first receive, like the event source's `maxBatchingWindowS`. */
  WORKER_BATCHING_WINDOW_MS: int(0, 300_000, queues.intake.maxBatchingWindowS * 1000),
  WORKER_WAIT_S: int(0, 20, 20),
  /** Must match the queue's visibility timeout: a batch's deadline is a second before it. */
  VISIBILITY_TIMEOUT_S: int(2, 43_200, queues.intake.visibilityTimeoutS),
  /** The time a batch has, as the consumer Lambda's timeout gives an invocation (and never past the visibility). */
  CONSUMER_TIMEOUT_S: int(1, 900, queues.intake.consumerTimeoutS),
  METRICS_PORT: int(0, 65_535, 0),
});

export interface WorkerConfig {
  queueUrl: string;
  dlqUrl?: string;
  sqsEndpoint?: string;
  batches: number;
  batchSize: number;
  batchingWindowMs: number;
  waitS: number;
  visibilityTimeoutS: number;
  consumerTimeoutS: number;
  metricsPort: number;
}

/** The local worker's own settings (on top of the consumer's). */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parse(workerEnv, env, 'ER worker');
  // Messages received first stay invisible for the visibility timeout: a batch must leave well before it ends.
  if (e.WORKER_BATCHING_WINDOW_MS >= (e.VISIBILITY_TIMEOUT_S - 1) * 1000)
    throw new ConfigError('WORKER_BATCHING_WINDOW_MS must be shorter than VISIBILITY_TIMEOUT_S minus one second');
  return {
    queueUrl: e.INTAKE_QUEUE_URL,
    dlqUrl: e.DLQ_URL,
    sqsEndpoint: e.SQS_ENDPOINT,
    batches: e.WORKER_BATCHES,
    batchSize: e.WORKER_BATCH_SIZE,
    batchingWindowMs: e.WORKER_BATCHING_WINDOW_MS,
    waitS: e.WORKER_WAIT_S,
    visibilityTimeoutS: e.VISIBILITY_TIMEOUT_S,
    consumerTimeoutS: e.CONSUMER_TIMEOUT_S,
    metricsPort: e.METRICS_PORT,
  };
}

const apiEnv = z.object({
  GRAPHGATE_STAGE: stageSchema,
  INTAKE_QUEUE_URL: z.url(),
  SQS_ENDPOINT: localEndpoint,
  AWS_REGION: awsRegion,
  UPSTASH_URL: z.url(),
  UPSTASH_TOKEN: z.string().min(1),
  ...jwtEnvShape,
  /** Events per tenant per window (sliding). */
  INTAKE_RATE_EVENTS: int(1, 10_000_000, 20_000),
  INTAKE_RATE_WINDOW_S: int(1, 3600, 10),
  INTAKE_MAX_BODY_BYTES: int(1024, 6 * 1024 * 1024, 1024 * 1024),
  INTAKE_MAX_EVENTS: int(1, 5000, 500),
  /** Table of the write journal (core/journal); set by CDK and the twin. Unset: accepted events are not journaled. */
  JOURNAL_TABLE: z.string().min(3).optional(),
  DYNAMODB_ENDPOINT: localEndpoint,
});

export interface ApiConfig {
  stage: Stage;
  queueUrl: string;
  sqsEndpoint?: string;
  region: string;
  upstash: { url: string; token: string };
  jwt: JwtOptions;
  rate: { events: number; windowS: number };
  limits: { maxBodyBytes: number; maxEvents: number };
  journal?: { tableName: string; dynamoEndpoint?: string };
}

/** The intake API's configuration. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parse(apiEnv, env, 'intake API');
  return {
    stage: e.GRAPHGATE_STAGE,
    queueUrl: e.INTAKE_QUEUE_URL,
    sqsEndpoint: e.SQS_ENDPOINT,
    region: e.AWS_REGION,
    upstash: { url: e.UPSTASH_URL, token: e.UPSTASH_TOKEN },
    jwt: jwtOptionsFromEnv(e, 'intake API'),
    rate: { events: e.INTAKE_RATE_EVENTS, windowS: e.INTAKE_RATE_WINDOW_S },
    limits: { maxBodyBytes: e.INTAKE_MAX_BODY_BYTES, maxEvents: e.INTAKE_MAX_EVENTS },
    journal: e.JOURNAL_TABLE ? { tableName: e.JOURNAL_TABLE, dynamoEndpoint: e.DYNAMODB_ENDPOINT } : undefined,
  };
}

const backlogEnv = z.object({ GRAPHGATE_STAGE: stageSchema, ...neo4jEnvShape });

/** The scheduled review-backlog emitter's configuration: the graph it reads. */
export function loadBacklogConfig(env: NodeJS.ProcessEnv = process.env): { stage: Stage; neo4j: Neo4jSettings } {
  const e = parse(backlogEnv, env, 'review backlog emitter');
  return { stage: e.GRAPHGATE_STAGE, neo4j: neo4jFromEnv(e) };
}
