/**
 * Cloudflare Workers entry. Configuration comes from the Worker's bindings (EDGE_CONFIG as a JSON secret/var); the
 * policy bundle comes as bindings too (POLICY_WASM as a wasm/data module, POLICY_DATA and POLICY_REVISION as text
 * vars from policies/dist), because Workers have no file system. The
 * runtime has `waitUntil`, so stale-while-revalidate refreshes run after the response. Needs `nodejs_compat` for the
 * sync sha256 of the cache key (or switch the key to `cacheKeyAsync`).
 */
import { createWasmPolicyEngine, type PolicyBundle } from '../../functions/core/policy/index.js';
import { parseEdgeConfig } from '../config.js';
import { buildEdge } from './runtime.js';

interface Env {
  EDGE_CONFIG: string;
  POLICY_WASM: ArrayBuffer;
  POLICY_DATA: string;
  POLICY_REVISION: string;
}
interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: unknown;
}

let app: Promise<ReturnType<typeof buildEdge>['app']> | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: WorkerContext): Promise<Response> {
    app ??= (async () => {
      const bundle: PolicyBundle = {
        wasm: env.POLICY_WASM,
        data: JSON.parse(env.POLICY_DATA),
        revision: env.POLICY_REVISION,
      };
      const policy = await createWasmPolicyEngine(bundle);
      return buildEdge(parseEdgeConfig(JSON.parse(env.EDGE_CONFIG)), policy, (work) => ctx.waitUntil(work)).app;
    })();
    return (await app).fetch(request, env, ctx);
  },
};
