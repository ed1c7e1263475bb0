import { Redis } from '@upstash/redis';
import { DynamoDbAuditLedger } from '../core/audit/index.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { migrateEr } from '../core/er/migrations.js';
import { upstashReviewEventBus } from '../core/er/review/events-upstash.js';
import { Neo4jReviewStore } from '../core/er/review/store.js';
import { createDriver, migrate, Neo4jGraphRepository } from '../core/graph/index.js';
import { DynamoDbWriteJournal } from '../core/journal/index.js';
import { countUpstashCommands } from '../core/metrics/upstash-commands.js';
import { loadWasmPolicyEngine } from '../core/policy/index.js';
import { policyExpiry } from '../core/retention/expiry.js';
import { upstashNonceStore } from '../core/signing/upstash-nonces.js';
import { createOrigin } from './app.js';
import type { OriginConfig } from './config.js';
import { modelTierFromConfig } from './nlq-model.js';
import { originNlqService } from './nlq-service.js';
import { originCachePlugin } from './response-cache.js';
import { emfOriginSignals, promOriginSignals } from './signals.js';
import { stepUpGuardFromConfig } from './step-up/runtime.js';
import { createOriginMetrics } from './telemetry.js';

/**
 * Wires the origin from its configuration: Neo4j driver + repository, the OPA wasm policy engine, the Upstash-backed
 * response cache and signature nonce seen-set, step-up enforcement. Shared by the Lambda handler and the local server so both run the same thing.
 */
export async function createOriginRuntime(
  config: OriginConfig,
  options: {
    migrate?: boolean;
    /** Where usage and Cypher signals go: `prometheus` (the local server's /metrics) or `emf` (Lambda, default). */
    signals?: 'prometheus' | 'emf';
  } = {},
) {
  const driver = createDriver(config.neo4j.uri, config.neo4j);
  if (options.migrate) {
    await migrate(driver);
    // The review queue's constraints (decisions, not-same pairs) live with ER's own schema.
    await migrateEr(driver);
  }
  const policy = await loadWasmPolicyEngine(config.policyBundleDir);
  const metrics = createOriginMetrics();
  const emf = emfOriginSignals(config.stage);
  const signals = options.signals === 'prometheus' ? promOriginSignals(metrics.registry) : emf;
  const redis = countUpstashCommands(new Redis({ url: config.upstash.url, token: config.upstash.token }), (n) =>
    signals.upstashCommands(n),
  );
  const cache = originCachePlugin(redis);
  const ledger = exportLedger(config);
  // NLQ's own metrics (latency, errors, plan cache, LLM spend) are EMF in every deployment; its token usage is a
  // tenant's usage and goes where the other usage goes.
  const nlqMetrics = { ...emf, llmTokens: (tenant: string, tokens: number) => signals.llmTokens(tenant, tokens) };
  const model = modelTierFromConfig(config.nlqModel, { redis, metrics: nlqMetrics });
  const origin = createOrigin({
    // Every upsert stamps `expiresAt` from the retention policy; reads hide what has expired.
    repo: new Neo4jGraphRepository(driver, { expiry: policyExpiry(policy) }),
    reviews: new Neo4jReviewStore(driver),
    // Live queue events share the response cache's store with the ER worker that publishes them.
    reviewEvents: upstashReviewEventBus(redis),
    policy,
    metrics,
    signals,
    signingKeys: config.signingKeys,
    // The replay guard shares the response cache's store; it fails closed (503) when that store cannot answer.
    nonces: upstashNonceStore(redis),
    maxSkewS: config.maxSkewS,
    allowArbitraryDocuments: config.allowArbitraryDocuments,
    plugins: [cache.plugin],
    invalidate: cache.invalidate,
    stepUp: stepUpGuardFromConfig(config.stepUp),
    ledger,
    // The model tier is off unless configured (the offline grammar answers without one).
    nlq: originNlqService({
      driver,
      redis,
      policy,
      ledger,
      stage: config.stage,
      metrics: nlqMetrics,
      ...(model ? { model } : {}),
    }),
    journal: config.journalTable
      ? new DynamoDbWriteJournal({
          client: dynamoClient({ region: config.stepUp.region, endpoint: config.stepUp.dynamoEndpoint }),
          tableName: config.journalTable,
        })
      : undefined,
  });
  return { ...origin, driver, redis, close: () => driver.close() };
}

/**
 * The audit ledger export decision logs go to: the stage's ledger table (the same one step-up audits to, from the
 * same AUDIT_TABLE / DYNAMODB_ENDPOINT settings).
 */
function exportLedger(config: OriginConfig) {
  const c = config.stepUp;
  return new DynamoDbAuditLedger({
    client: dynamoClient({ region: c.region, endpoint: c.dynamoEndpoint }),
    tableName: c.auditTable,
    blockWrites: config.ledgerBlockWrites,
  });
}
