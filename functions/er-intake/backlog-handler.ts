/**
 * Scheduled review-backlog emitter (EventBridge, every few minutes): reads every tenant's review backlog from Neo4j
 * and writes it as EMF under the names the backlog-age alarm reads (functions/core/cost/metrics.ts).
 */
import { resolveSecretEnv } from '../core/config/secrets.js';
import { Neo4jReviewStore } from '../core/er/review/store.js';
import { createDriver } from '../core/graph/driver.js';
import { reportReviewBacklogs } from './backlog.js';
import { loadBacklogConfig } from './config.js';
import { EmfIntakeMetrics } from './metrics.js';

// Once per container: secrets into the environment, then the typed config (a bad variable fails the cold start).
const runtime = resolveSecretEnv().then(() => {
  const { stage, neo4j } = loadBacklogConfig();
  return {
    store: new Neo4jReviewStore(createDriver(neo4j.uri, { user: neo4j.user, password: neo4j.password })),
    metrics: new EmfIntakeMetrics(stage),
  };
});
const reported = new Set<string>();

/** Reports every tenant's backlog once; answers what it reported (visible in the invocation's result). */
export async function handler() {
  const { store, metrics } = await runtime;
  return reportReviewBacklogs(store, metrics, reported);
}
