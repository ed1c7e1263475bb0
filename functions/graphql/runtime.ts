import { Redis } from '@upstash/redis';
import { createDriver, migrate, Neo4jGraphRepository } from '../core/graph/index.js';
import { loadWasmPolicyEngine } from '../core/policy/index.js';
import { createOrigin } from './app.js';
import type { OriginConfig } from './config.js';
import { originCachePlugin } from './response-cache.js';

/**
 * Wires the origin from its configuration: Neo4j driver + repository, the OPA wasm policy engine, the Upstash-backed
 * response cache. Shared by the Lambda handler and the local server so both run the same thing.
 */
export async function createOriginRuntime(config: OriginConfig, options: { migrate?: boolean } = {}) {
  const driver = createDriver(config.neo4j.uri, config.neo4j);
  if (options.migrate) await migrate(driver);
  const policy = await loadWasmPolicyEngine(config.policyBundleDir);
  const redis = new Redis({ url: config.upstash.url, token: config.upstash.token });
  const cache = originCachePlugin(redis);
  const origin = createOrigin({
    repo: new Neo4jGraphRepository(driver),
    policy,
    signingKeys: config.signingKeys,
    maxSkewS: config.maxSkewS,
    allowArbitraryDocuments: config.allowArbitraryDocuments,
    plugins: [cache.plugin],
    invalidate: cache.invalidate,
  });
  return { ...origin, driver, redis, close: () => driver.close() };
}
