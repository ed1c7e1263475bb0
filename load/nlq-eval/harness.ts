/**
 * The NLQ service on a scratch twin with the demo graph seeded: shared by `npm run eval:nlq` and `npm run bench:nlq`.
 * Real Neo4j (READ sessions), Upstash plan cache, OPA wasm policy, the audit ledger in dynalite.
 */
import { rmSync } from 'node:fs';
import { Redis } from '@upstash/redis';
import type { Driver } from 'neo4j-driver';
import { DynamoDbAuditLedger } from '../../functions/core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../../functions/core/aws/dynamodb.js';
import { createDriver } from '../../functions/core/graph/index.js';
import { manifest } from '../../functions/core/manifest/index.js';
import { neo4jPlanExecutor, type PlanExecutor } from '../../functions/core/nlq/executor.js';
import { createNlqService, type NlqDeps } from '../../functions/core/nlq/service.js';
import { countingNlqMetrics } from '../../functions/core/nlq/telemetry.js';
import { upstashPlanCache } from '../../functions/core/nlq/upstash-plan-cache.js';
import { loadWasmPolicyEngine } from '../../functions/core/policy/index.js';
import { tableName, tables } from '../../functions/core/resources/index.js';
import { buildPolicies } from '../../infra/local/policies/build.js';
import { seedGraph, seedTenant, tenantGraph } from '../../infra/local/seed/graph.js';
import { startScratchTwin } from '../../infra/local/twin.js';

/** The demo graph `npm start` seeds (infra/local/supervisor.ts), here in a scratch twin. */
export const demoGraph = { seed: 7, tenants: 1, entities: 5_000, edges: 20_000 } as const;

/** An executor that counts the plans that reached Neo4j (to prove refusals never do). */
export function countingExecutor(inner: PlanExecutor) {
  const counter = { runs: 0, explains: 0 };
  const executor: PlanExecutor = {
    run: (plan, params, options) => {
      counter.runs++;
      return inner.run(plan, params, options);
    },
    explain: (plan, params) => {
      counter.explains++;
      return inner.explain(plan, params);
    },
  };
  return { executor, counter };
}

export async function startNlqHarness(name: string, options: { tenants?: number } = {}) {
  const twin = await startScratchTwin(name, { neo4jPageCache: '512m' });
  const e = twin.endpoints;
  const driver: Driver = createDriver(e.neo4jUri);
  const tenants = options.tenants ?? demoGraph.tenants;
  const seeded = await seedGraph(driver, {
    ...demoGraph,
    tenants,
    entities: demoGraph.entities * tenants,
    edges: demoGraph.edges * tenants,
  });
  await buildPolicies();
  const policy = await loadWasmPolicyEngine();
  const redis = new Redis({ url: e.upstashUrl, token: e.upstashToken });
  const ledger = new DynamoDbAuditLedger({
    client: dynamoClient({ region: e.region, endpoint: e.dynamoEndpoint }),
    tableName: tableName('local', tables.auditLedger),
  });
  const { executor, counter } = countingExecutor(neo4jPlanExecutor(driver));
  const { metrics, counts } = countingNlqMetrics();
  const deps: NlqDeps = {
    executor,
    cache: upstashPlanCache(redis),
    schemaVersion: manifest.schemaVersion,
    engine: policy,
    ledger,
    metrics,
  };
  const nlq = createNlqService(deps);
  const tenantIds = Array.from({ length: tenants }, (_, i) => seedTenant(demoGraph.seed, i));
  const graphs = tenantIds.map((t, i) =>
    tenantGraph(demoGraph.seed, t, demoGraph.entities, demoGraph.edges, seeded.asOfPerTenant[i]!),
  );
  return {
    nlq,
    deps,
    driver,
    counter,
    counts,
    tenants: tenantIds,
    graphs,
    async stop() {
      await driver.close();
      await twin.stop();
      rmSync(twin.runDir, { recursive: true, force: true });
    },
  };
}
