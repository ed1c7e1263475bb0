/**
 * The step-up enforcement setting end to end: policy data (per tenant here; per stage works the same way) read by the
 * real OPA wasm bundle, the origin wired by the same stepUpGuardFromConfig as the Lambda, grants and the audit ledger
 * in dynalite. Whatever the setting, the call is decided by policy and lands in the ledger.
 */
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger, type LedgerEntry } from '../../core/audit/index.js';
import { dynamoClient } from '../../core/aws/dynamodb.js';
import { createDriver, Neo4jGraphRepository } from '../../core/graph/index.js';
import { createWasmPolicyEngine, readPolicyBundle } from '../../core/policy/index.js';
import { tableName, tables } from '../../core/resources/index.js';
import { upstashNonceStore } from '../../core/signing/upstash-nonces.js';
import { createOrigin } from '../app.js';
import { signedGraphqlRequest, testKey } from '../test-support/requests.js';
import { loadStepUpEnforcement } from './config.js';
import { stepUpGuardFromConfig } from './runtime.js';

const t = twin();
const driver = createDriver(t.neo4jUri);
const repo = new Neo4jGraphRepository(driver);
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
const tenants = {
  enforce: testTenant('su-enforce'),
  monitor: testTenant('su-monitor'),
  exempt: testTenant('su-exempt'),
  unlisted: testTenant('su-default'),
};
let origin: ReturnType<typeof createOrigin>;

beforeAll(async () => {
  const bundle = await readPolicyBundle();
  const data = structuredClone(bundle.data) as { config: { stepup: { enforcement: Record<string, unknown> } } };
  data.config.stepup.enforcement = {
    default: 'enforce',
    stages: {},
    tenants: { [tenants.enforce]: 'enforce', [tenants.monitor]: 'monitor', [tenants.exempt]: 'exempt' },
  };
  const policy = await createWasmPolicyEngine({ ...bundle, data });
  // The variables the twin gives the origin process (infra/local/apps.ts originEnv).
  const env = { DYNAMODB_ENDPOINT: t.dynamoEndpoint, AWS_REGION: t.region };
  origin = createOrigin({
    repo,
    policy,
    signingKeys: [testKey],
    nonces: upstashNonceStore(new Redis({ url: t.upstashUrl, token: t.upstashToken })),
    stepUp: stepUpGuardFromConfig(loadStepUpEnforcement(env, 'local')),
  });
  for (const tenant of Object.values(tenants)) {
    for (const id of ['a', 'b']) {
      await repo.upsertEntity(tenant, {
        id,
        kind: 'PERSON',
        names: [`Ada ${id}`],
        dataClass: 'ENTITY',
        licence: 'INTERNAL_ONLY',
      });
    }
  }
});
afterAll(() => driver.close());

/** MergeEntity (@sensitive) without a step-up grant, as an analyst of `tenant`. */
async function mergeWithoutGrant(tenant: string) {
  const req = await signedGraphqlRequest({
    tenant,
    operation: 'MergeEntity',
    variables: { survivorId: 'a', mergedId: 'b', reason: 'same person' },
    attributes: { roles: ['analyst'], clearances: [], purposes: [] },
  });
  const res = await origin.yoga.fetch(req);
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: { mergeEntity?: { mergedId: string } } | null;
      errors?: { extensions: { code: string; stepUp?: { reason: string } } }[];
    },
  };
}

async function sensitiveCalls(tenant: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of ledger.read(tenant)) if (e.kind === 'stepup.sensitive-call') out.push(e);
  return out;
}

describe('step-up enforcement as policy data', () => {
  it('enforce: refuses the call without a grant and audits the denial', async () => {
    const { status, body } = await mergeWithoutGrant(tenants.enforce);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      stepUp: { reason: 'GRANT_MISSING' },
    });
    expect((await sensitiveCalls(tenants.enforce)).map((e) => e.data)).toMatchObject([
      { operation: 'MergeEntity', outcome: 'denied', reason: 'GRANT_MISSING', decisionId: expect.any(String) },
    ]);
  });

  it('monitor: runs the call without a grant and audits it as monitored', async () => {
    const { status, body } = await mergeWithoutGrant(tenants.monitor);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.mergeEntity?.mergedId).toBe('b');
    expect((await sensitiveCalls(tenants.monitor)).map((e) => e.data)).toMatchObject([
      { operation: 'MergeEntity', outcome: 'monitored', reason: 'GRANT_MISSING', decisionId: expect.any(String) },
    ]);
  });

  it('exempt: runs the call as a policy exemption and audits it', async () => {
    const { status, body } = await mergeWithoutGrant(tenants.exempt);
    expect(status).toBe(200);
    expect(body.data?.mergeEntity?.mergedId).toBe('b');
    expect((await sensitiveCalls(tenants.exempt)).map((e) => e.data)).toMatchObject([
      { operation: 'MergeEntity', outcome: 'exempted', reason: 'enforcement-exempt', decisionId: expect.any(String) },
    ]);
  });

  it('a tenant with no setting gets the default, enforce', async () => {
    const { body } = await mergeWithoutGrant(tenants.unlisted);
    expect(body.errors?.[0]?.extensions.code).toBe('STEP_UP_REQUIRED');
    expect((await sensitiveCalls(tenants.unlisted)).map((e) => e.data.outcome)).toEqual(['denied']);
  });
});
