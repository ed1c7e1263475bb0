import type { Requester } from '@upstash/redis';
import type { AuditLedger } from '../../functions/core/audit/types.js';
import type { Manifest } from '../../functions/core/manifest/index.js';
import { realOrigin } from '../../functions/graphql/test-support/real-origin.js';
import { testKey } from '../../functions/graphql/test-support/requests.js';
import { twin } from '../../infra/local/test-support/twin.js';
import { buildEdge } from '../adapters/runtime.js';
import type { Background } from '../app.js';
import type { EdgeConfigInput } from '../config.js';
import { edgeConfig, testIssuer } from './fixtures.js';

/**
 * The whole read path in-process against the real twin: edge app → signed request → real origin (yoga over real
 * Neo4j and the real Upstash cache). `originCalls` counts requests that reached the origin; `originDown` makes the
 * hop fail as if the origin were unreachable; `originDelayMs` holds each origin call that long (a cold or slow origin),
 * honouring the edge's abort signal as a network hop would.
 */
/** Waits `ms`, or rejects as fetch does when `signal` aborts first. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

export async function realStack(
  options: {
    config?: Partial<EdgeConfigInput>;
    background?: Background;
    now?: () => number;
    /** The audit ledger exports are logged to; without it exports are refused. */
    ledger?: AuditLedger;
    /** A registry other than the bundled one, for edge and origin alike. */
    manifest?: Manifest;
    /** The edge's Upstash transport (the Node adapter's seam); @upstash/redis's fetch client without it. */
    upstash?: Requester;
  } = {},
) {
  const origin = await realOrigin({ ledger: options.ledger, manifest: options.manifest });
  const issuer = await testIssuer();
  const state = { originCalls: 0, originDown: false, originDelayMs: 0 };
  const fetchToOrigin: typeof fetch = async (input, init) => {
    state.originCalls++;
    if (state.originDown) throw new TypeError('fetch failed: connect ECONNREFUSED');
    if (state.originDelayMs > 0) await delay(state.originDelayMs, init?.signal ?? undefined);
    return origin.yoga.fetch(new Request(input as string | URL, init));
  };
  const config = edgeConfig({
    jwks: issuer.jwks,
    upstash: { url: twin().upstashUrl, token: twin().upstashToken },
    signingKey: testKey,
    timeouts: { cacheMs: 250, originMs: 5_000 },
    ...options.config,
  });
  const edge = buildEdge(config, origin.policy, options.background, {
    fetch: fetchToOrigin,
    now: options.now,
    manifest: options.manifest,
    upstash: options.upstash,
  });
  return { ...edge, origin, issuer, state, close: () => origin.close() };
}
