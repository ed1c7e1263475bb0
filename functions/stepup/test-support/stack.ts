/**
 * The step-up flow in-process against the real twin: edge app → signed request → origin (real Neo4j, OPA wasm,
 * step-up guard on dynalite) and the step-up app on the same dynalite table and audit ledger.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from '@upstash/redis';
import { createEdgeApp } from '../../../edge/app.js';
import { createVerifier } from '../../../edge/auth.js';
import { createOriginClient } from '../../../edge/origin.js';
import { edgeConfig, testIssuer } from '../../../edge/test-support/fixtures.js';
import { tableName, tables } from '../../../infra/tables.js';
import { twin } from '../../../test/twin.js';
import { DynamoDbAuditLedger, type LedgerEntry } from '../../core/audit/index.js';
import { createDriver, Neo4jGraphRepository } from '../../core/graph/index.js';
import { manifest } from '../../core/manifest/index.js';
import { loadWasmPolicyEngine } from '../../core/policy/index.js';
import { createGrantChecker, createStepUpService, dynamoDbStepUpStores } from '../../core/stepup/index.js';
import { createOrigin } from '../../graphql/app.js';
import { testKey } from '../../graphql/test-support/requests.js';
import { createStepUpApp } from '../app.js';
import { bundlePageScript } from '../page.js';
import { manifestScopes } from '../runtime.js';

/** Builds the stack; `pageOrigin` is the origin the WebAuthn client data must carry. */
export async function stepUpStack(options: { pageOrigin: string; now?: () => number; page?: boolean }) {
  const t = twin();
  const client = new DynamoDBClient({
    region: t.region,
    endpoint: t.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
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
  const origin = createOrigin({
    repo,
    policy,
    signingKeys: [testKey],
    stepUp: {
      checkGrant: createGrantChecker({ grants: stores.grants, now: options.now }),
      ledger,
      enforced: () => true,
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
  const edge = createEdgeApp({
    config,
    manifest,
    redis: new Redis({ url: t.upstashUrl, token: t.upstashToken }),
    policy,
    callOrigin,
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
