/**
 * The sweep's dependencies from its configuration: Neo4j retention store, OPA wasm policy, DynamoDB audit ledger.
 * Shared by the Lambda handler and scripts/retention-sweep.ts so both run the same thing.
 */
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { createDriver } from '../core/graph/driver.js';
import { Neo4jRetentionStore } from '../core/graph/retention-store.js';
import { loadWasmPolicyEngine } from '../core/policy/index.js';
import type { SweepOptions } from '../core/retention/sweep.js';
import type { SweepConfig } from './config.js';

/** Everything `sweep()` needs except the per-run options, plus a close for the driver and client. */
export async function createSweepRuntime(config: SweepConfig) {
  const driver = createDriver(config.neo4j.uri, { user: config.neo4j.user, password: config.neo4j.password });
  const client = dynamoClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const deps: Pick<SweepOptions, 'store' | 'engine' | 'ledger' | 'batchSize'> = {
    store: new Neo4jRetentionStore(driver),
    engine: await loadWasmPolicyEngine(config.policyBundleDir),
    ledger: new DynamoDbAuditLedger({ client, tableName: config.auditTable }),
    batchSize: config.batchSize,
  };
  return {
    deps,
    async close() {
      client.destroy();
      await driver.close();
    },
  };
}
