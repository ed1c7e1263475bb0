/**
 * Lambda@Edge adapter (CloudFront origin-request). Lambda@Edge has no environment variables, so the configuration is
 * baked in at build time: the CDK edge stack bundles this file with esbuild `define: { __GRAPHGATE_EDGE_CONFIG__: … }`
 * and copies the policy wasm bundle next to it. There is no waitUntil here: the sandbox freezes once we answer, so
 * stale-while-revalidate refreshes run inline (see edge/app.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CloudFrontEdgeEvent, handle } from 'hono/lambda-edge';
import { loadWasmPolicyEngine } from '../../functions/core/policy/index.js';
import { parseEdgeConfig } from '../config.js';
import { buildEdge } from './runtime.js';

declare const __GRAPHGATE_EDGE_CONFIG__: unknown;

const ready = (async () => {
  const config = parseEdgeConfig(__GRAPHGATE_EDGE_CONFIG__);
  const policy = await loadWasmPolicyEngine(join(dirname(fileURLToPath(import.meta.url)), 'policy'));
  return handle(buildEdge(config, policy, undefined).app);
})();

export async function handler(event: CloudFrontEdgeEvent) {
  return (await ready)(event);
}
