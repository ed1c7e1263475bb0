import { Redis } from '@upstash/redis';
import { twin } from '../../../infra/local/test-support/twin.js';
import type { AuditLedger } from '../../core/audit/types.js';
import { Neo4jReviewStore } from '../../core/er/review/store.js';
import { createDriver, Neo4jGraphRepository } from '../../core/graph/index.js';
import type { WriteJournal } from '../../core/journal/index.js';
import type { Manifest } from '../../core/manifest/index.js';
import { loadWasmPolicyEngine } from '../../core/policy/index.js';
import { upstashNonceStore } from '../../core/signing/upstash-nonces.js';
import { createOrigin } from '../app.js';
import { originNlqService } from '../nlq-service.js';
import { originCachePlugin } from '../response-cache.js';
import { testKey } from './requests.js';

/**
 * The origin wired to the real twin: Neo4j repository, OPA wasm policy, Upstash response cache and nonce seen-set. Counts repository
 * calls so tests can tell a cache hit (no call) from a miss.
 */
export async function realOrigin(options: { ledger?: AuditLedger; manifest?: Manifest; journal?: WriteJournal } = {}) {
  const t = twin();
  const driver = createDriver(t.neo4jUri);
  const repo = new Neo4jGraphRepository(driver);
  const policy = await loadWasmPolicyEngine();
  const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });
  const cache = originCachePlugin(redis);
  const repoCalls: string[] = [];
  const counted = new Proxy(repo, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        repoCalls.push(String(prop));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const origin = createOrigin({
    repo: counted,
    reviews: new Neo4jReviewStore(driver),
    policy,
    signingKeys: [testKey],
    nonces: upstashNonceStore(redis),
    plugins: [cache.plugin],
    invalidate: cache.invalidate,
    ledger: options.ledger,
    manifest: options.manifest,
    journal: options.journal,
    // The offline NLQ tier, as the deployed origin has it (no model provider).
    nlq: originNlqService({ driver, redis, policy, ledger: options.ledger, stage: 'local' }),
  });
  return { ...origin, driver, redis, repoCalls, policy, close: () => driver.close() };
}
