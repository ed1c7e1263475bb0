/**
 * Builds the consumer's dependencies from its configuration, once per process (Lambda container or local worker):
 * the Neo4j driver, the DynamoDB client shared by idempotency, failure store and audit ledger, and the pipeline.
 */
import { Redis } from '@upstash/redis';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { createUpstashCache, entityInvalidator } from '../core/cache/index.js';
import { createErIdempotency } from '../core/er/idempotency.js';
import { migrateEr } from '../core/er/migrations.js';
import { type Effect, graphEffect } from '../core/er/pipeline.js';
import { upstashReviewEventBus } from '../core/er/review/events-upstash.js';
import { Neo4jReviewStore } from '../core/er/review/store.js';
import { createDriver } from '../core/graph/driver.js';
import { migrate } from '../core/graph/migrations.js';
import { DynamoDbFailureStore } from '../core/idempotency/dynamodb-failures.js';
import { countUpstashCommands } from '../core/metrics/upstash-commands.js';
import { throttledLog } from '../core/throttled-log.js';
import type { ConsumerConfig } from './config.js';
import type { ConsumerDeps } from './consumer.js';
import { jsonLog } from './log.js';
import type { IntakeMetrics } from './metrics.js';

const cacheLog = throttledLog(30_000);

/** Evicts the response cache's entries of merged entities (failures are logged and never fail the event). */
function cacheInvalidator(upstash: { url: string; token: string }, metrics: IntakeMetrics) {
  const redis = countUpstashCommands(new Redis(upstash), (n) => metrics.upstashCommands(n));
  const store = createUpstashCache(redis, {
    onError: (r) => cacheLog(`response cache ${r.op} failed for tenant ${r.tenant || '?'}: ${String(r.error)}`),
  });
  return entityInvalidator(store);
}

export interface ConsumerRuntime {
  deps: ConsumerDeps;
  /** The review store (the local worker's scheduled backlog sweep reads it). */
  reviews: Neo4jReviewStore;
  close(): Promise<void>;
}

/**
 * Creates the runtime. `migrate: true` (local worker, tests) creates the graph and ER schema first; in AWS the
 * schema is migrated by the deploy, not by every cold start. `effect` replaces the graph effect (benchmarks only).
 */
export async function createConsumerRuntime(
  config: ConsumerConfig,
  metrics: IntakeMetrics,
  options: { migrate?: boolean; effect?: Effect; log?: (e: Record<string, unknown>) => void } = {},
): Promise<ConsumerRuntime> {
  const driver = createDriver(config.neo4j.uri, { user: config.neo4j.user, password: config.neo4j.password });
  if (options.migrate) {
    await migrate(driver);
    await migrateEr(driver);
  }
  const client = dynamoClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const ledger = new DynamoDbAuditLedger({
    client,
    tableName: config.auditTable,
    blockWrites: config.ledgerBlockWrites,
  });
  const reviews = new Neo4jReviewStore(driver);
  const deps: ConsumerDeps = {
    claim: createErIdempotency({ client, tableName: config.idempotencyTable }),
    effect:
      options.effect ??
      graphEffect(driver, ledger, config.er, {
        graphBatch: config.graph.batch,
        graphTxInFlight: config.graph.txInFlight,
        invalidate: config.upstash ? cacheInvalidator(config.upstash, metrics) : undefined,
        // Live review queues read these (the origin's reviewQueueChanged); without Upstash they poll reviewQueue.
        reviewEvents: config.upstash ? upstashReviewEventBus(new Redis(config.upstash)) : undefined,
        onError: (what, err) => cacheLog(`${what} not published: ${String(err)}`),
      }),
    config: config.er,
    failures: new DynamoDbFailureStore(client, config.idempotencyTable),
    metrics,
    concurrency: config.concurrency,
    maxReceiveCount: config.maxReceiveCount,
    log: options.log ?? jsonLog,
    reviewBacklog: (tenant) => reviews.backlog(tenant),
  };
  return {
    deps,
    reviews,
    async close() {
      client.destroy();
      await driver.close();
    },
  };
}
