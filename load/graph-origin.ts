/**
 * The origin as `bench:graph` and `profile-graph-origin` run it: in process, over a driver, with the built policy
 * bundle and the local signing key the edge would sign with.
 */
import type { Driver } from 'neo4j-driver';
import { Neo4jGraphRepository } from '../functions/core/graph/index.js';
import { loadWasmPolicyEngine } from '../functions/core/policy/index.js';
import { MemoryNonceStore } from '../functions/core/signing/memory-nonces.js';
import { createOrigin } from '../functions/graphql/app.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { buildPolicies } from '../infra/local/policies/build.js';

/** The origin's yoga app and the key to sign its requests with. */
export async function inProcessOrigin(driver: Driver) {
  await buildPolicies();
  const { signing } = ensureDevKeys();
  const { yoga } = createOrigin({
    repo: new Neo4jGraphRepository(driver),
    policy: await loadWasmPolicyEngine(),
    signingKeys: [signing],
    // Every request is signed anew, so an in-process seen-set suffices; these runs measure Neo4j, not Redis.
    nonces: new MemoryNonceStore(),
  });
  return { yoga, signing };
}
