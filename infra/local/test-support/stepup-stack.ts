/**
 * The step-up flow in-process against the real twin: edge app → signed request → origin (real Neo4j, OPA wasm,
 * step-up guard on dynalite) and the step-up app on the same dynalite table and audit ledger.
 */
import { Redis } from '@upstash/redis';
import { createEdgeApp } from '../../../edge/app.js';
import { createOriginClient, createOriginStream } from '../../../edge/origin.js';
import { edgeConfig, testIssuer } from '../../../edge/test-support/fixtures.js';
import { DynamoDbAuditLedger, type LedgerEntry } from '../../../functions/core/audit/index.js';
import { createVerifier } from '../../../functions/core/auth/index.js';
import { dynamoClient } from '../../../functions/core/aws/dynamodb.js';
import { upstashReviewEventBus } from '../../../functions/core/er/review/events-upstash.js';
import { Neo4jReviewStore } from '../../../functions/core/er/review/store.js';
import { createDriver, Neo4jGraphRepository } from '../../../functions/core/graph/index.js';
import { manifest } from '../../../functions/core/manifest/index.js';
import { loadWasmPolicyEngine } from '../../../functions/core/policy/index.js';
import { tableName, tables } from '../../../functions/core/resources/index.js';
import { upstashNonceStore } from '../../../functions/core/signing/upstash-nonces.js';
import { createGrantChecker, createStepUpService, dynamoDbStepUpStores } from '../../../functions/core/stepup/index.js';
import { createOrigin } from '../../../functions/graphql/app.js';
import { testKey } from '../../../functions/graphql/test-support/requests.js';
import { createStepUpApp } from '../../../functions/stepup/app.js';
import { bundlePageScript } from '../../../functions/stepup/page.js';
import { manifestScopes } from '../../../functions/stepup/runtime.js';
import { twin } from './twin.js';

/** Builds the stack; `pageOrigin` is the origin the WebAuthn client data must carry. */
export async function stepUpStack(options: { pageOrigin: string; now?: () => number; page?: boolean }) {
  const t = twin();
  const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
  const stores = dynamoDbStepUpStores({ client, tableName: tableName('local', tables.stepUp) });
  const ledger = new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) });
  const service = createStepUpService({
    stores,
    ledger,
    rp: { id: 'localhost', name: 'graphgate', origins: [options.pageOrigin] },
    knownScopes: manifestScopes(),
    now: options.now,
  });
  const issuer = await testIssuer();
  const config = edgeConfig({
    jwks: issuer.jwks,
    upstash: { url: t.upstashUrl, token: t.upstashToken },
    signingKey: testKey,
  });
  const stepUpApp = createStepUpApp({
    service,
    verify: createVerifier(config.jwt),
    pageScript: options.page ? bundlePageScript : undefined,
  });

  const driver = createDriver(t.neo4jUri);
  const repo = new Neo4jGraphRepository(driver);
  const policy = await loadWasmPolicyEngine();
  const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });
  const origin = createOrigin({
    repo,
    reviews: new Neo4jReviewStore(driver),
    reviewEvents: upstashReviewEventBus(redis, { pollMs: 50 }),
    policy,
    signingKeys: [testKey],
    nonces: upstashNonceStore(redis),
    // The origin audits to the same ledger as step-up, as the runtime wires it (reclassify and write denies go there).
    ledger,
    stepUp: {
      checkGrant: createGrantChecker({ grants: stores.grants, now: options.now }),
      ledger,
      stage: 'local',
      optionsUrl: '/stepup/authenticate/options',
      registerUrl: '/stepup/register/options',
      maxAgeS: service.grantTtlS,
    },
  });
  const callOrigin = createOriginClient({
    originUrl: config.originUrl,
    signingKey: config.signingKey,
    timeoutMs: 10_000,
    fetch: async (input, init) => origin.yoga.fetch(new Request(input as string | URL, init)),
  });
  const toOrigin = async (input: string | URL | Request, init?: RequestInit) =>
    origin.yoga.fetch(new Request(input as string | URL, init));
  const edge = createEdgeApp({
    config,
    manifest,
    redis,
    policy,
    callOrigin,
    streamOrigin: createOriginStream({
      originUrl: config.originUrl,
      signingKey: config.signingKey,
      timeoutMs: 10_000,
      fetch: toOrigin,
    }),
  });

  /** The tenant's ledger entries of a kind prefix. */
  async function audit(tenant: string, kind = 'stepup.'): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    for await (const e of ledger.read(tenant)) if (e.kind.startsWith(kind)) out.push(e);
    return out;
  }

  return {
    service,
    stores,
    ledger,
    issuer,
    repo,
    edge: edge.app,
    stepUp: stepUpApp,
    origin,
    audit,
    close: () => driver.close(),
  };
}
