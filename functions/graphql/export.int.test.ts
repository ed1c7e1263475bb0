import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import type { LedgerEntry } from '../core/audit/types.js';
import { verifyLedger } from '../core/audit/verify.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { createDriver, Neo4jGraphRepository } from '../core/graph/index.js';
import type { EntityInput } from '../core/graph/types.js';
import { loadWasmPolicyEngine, type PolicyEngine } from '../core/policy/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { policyExpiry } from '../core/retention/expiry.js';
import { upstashNonceStore } from '../core/signing/upstash-nonces.js';
import { createOrigin } from './app.js';
import { originCachePlugin } from './response-cache.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

const t = twin();
const driver = createDriver(t.neo4jUri);
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
const investigator = { roles: ['investigator'], clearances: ['pii'] };
let policy: PolicyEngine;
let repo: Neo4jGraphRepository;
let origin: ReturnType<typeof createOrigin>;

beforeAll(async () => {
  policy = await loadWasmPolicyEngine();
  repo = new Neo4jGraphRepository(driver, { expiry: policyExpiry(policy) });
  const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });
  const cache = originCachePlugin(redis);
  origin = createOrigin({
    repo,
    policy,
    signingKeys: [testKey],
    nonces: upstashNonceStore(redis),
    plugins: [cache.plugin],
    invalidate: cache.invalidate,
    ledger,
  });
});
afterAll(() => driver.close());

// biome-ignore lint/suspicious/noExplicitAny: each test asserts the fields it reads.
type Json = { data?: any; errors?: { message: string; extensions: any }[] };

async function exportAs(tenant: string, variables: Record<string, unknown>, attributes = investigator) {
  const req = await signedGraphqlRequest({ tenant, operation: 'ExportEntities', variables, attributes });
  return (await (await origin.yoga.fetch(req)).json()) as Json;
}

async function seed(tenant: string, inputs: EntityInput[]) {
  for (const input of inputs) await repo.upsertEntity(tenant, input);
}

async function entries(tenant: string, kind = 'policy.decision'): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of ledger.read(tenant)) if (e.kind === kind) out.push(e);
  return out;
}

const org = (id: string, over: Partial<EntityInput> = {}): EntityInput => ({
  id,
  kind: 'ORGANISATION',
  names: [`Org ${id}`],
  dataClass: 'ENTITY',
  licence: 'PUBLIC',
  purposes: ['investigation'],
  ...over,
});

describe('exportEntities over real Neo4j, the policy wasm and the DynamoDB ledger', () => {
  it('refuses purpose drift with the explain and logs the deny with the bundle revision', async () => {
    const tenant = testTenant('exp-drift');
    await seed(tenant, [org('a', { purposes: ['fraud-review'] })]);

    const json = await exportAs(tenant, { selection: { ids: ['a'] }, purpose: 'investigation', audience: 'INTERNAL' });

    expect(json.data).toBeNull();
    const ext = json.errors![0]!.extensions;
    expect(ext.code).toBe('POLICY_DENIED');
    expect(ext.reasons.map((r: { rule: string }) => r.rule)).toContain('purpose.drift');
    expect(ext.reasons.find((r: { rule: string }) => r.rule === 'purpose.drift').unlock).toContain("'fraud-review'");
    expect(ext.refused).toEqual([expect.objectContaining({ id: 'a', decisionId: ext.decisionId })]);
    const [logged] = await entries(tenant);
    expect(logged).toMatchObject({ subject: 'a', actor: 'tester' });
    expect(logged!.data).toMatchObject({
      decision_id: ext.decisionId,
      entrypoint: 'graphgate/export/decision',
      revision: policy.revision,
      allow: false,
      export_id: ext.exportId,
    });
    expect(logged!.data.input_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the most restrictive licence of a record that mixes them, per audience', async () => {
    const tenant = testTenant('exp-licence');
    const partnerSource = { system: 'registry', recordId: 'r1', licence: 'PARTNER_SHAREABLE' as const };
    await seed(tenant, [org('mixed', { sources: [partnerSource] }), org('open')]);
    const vars = { selection: { ids: ['mixed', 'open'] }, purpose: 'investigation', onDeny: 'DROP' };

    const toPublic = await exportAs(tenant, { ...vars, audience: 'PUBLIC' });
    const toPartner = await exportAs(tenant, { ...vars, audience: 'PARTNER' });

    const report = toPublic.data.exportEntities.report;
    expect(toPublic.data.exportEntities.rows.map((r: { id: string }) => r.id)).toEqual(['open']);
    expect(report.refused).toHaveLength(1);
    const reason = report.refused[0].reasons.find((r: { rule: string }) => r.rule === 'licence.audience_not_permitted');
    expect(reason.message).toContain('mixes licences');
    expect(reason.unlock).toBeTruthy();
    expect(toPartner.data.exportEntities.report).toMatchObject({ recordsIn: 2, recordsOut: 2, refused: [] });
  });

  it('redacts fields by class for the audience and reports each redaction', async () => {
    const tenant = testTenant('exp-redact');
    await seed(tenant, [org('c', { attributes: { email: 'ops@c.example', sector: 'shipping' } })]);
    const vars = { selection: { ids: ['c'] }, purpose: 'investigation' };

    const partner = await exportAs(tenant, { ...vars, audience: 'PARTNER' });
    const internal = await exportAs(tenant, { ...vars, audience: 'INTERNAL' });

    expect(partner.data.exportEntities.rows).toEqual([
      { id: 'c', kind: 'ORGANISATION', names: ['Org c'], sector: 'shipping' },
    ]);
    expect(partner.data.exportEntities.report.redactions).toEqual([
      { __typename: 'Redaction', id: 'c', fields: ['email'] },
    ]);
    expect(internal.data.exportEntities.rows[0].email).toBe('ops@c.example');
    expect(internal.data.exportEntities.report.redactions).toEqual([]);
  });

  it('k-anonymises NLQ exports: suppresses the too-small group and reports it', async () => {
    const tenant = testTenant('exp-kanon');
    const person = (i: number, attributes: Record<string, unknown>): EntityInput => ({
      id: `p${String(i).padStart(2, '0')}`,
      kind: 'PERSON',
      names: [`Person ${i}`],
      dataClass: 'ENTITY',
      licence: 'INTERNAL_ONLY',
      purposes: ['investigation'],
      attributes,
    });
    const crowd = Array.from({ length: 11 }, (_, i) => person(i, { age: 31, postcode: 'SW1A', gender: 'F' }));
    await seed(tenant, [...crowd, person(99, { age: 87, postcode: 'ZE2', gender: 'M' })]);

    const json = await exportAs(tenant, {
      selection: { kinds: ['PERSON'] },
      purpose: 'investigation',
      audience: 'INTERNAL',
      kind: 'NLQ',
      quasiIdentifiers: ['age', 'postcode', 'gender'],
    });

    const { rows, report } = json.data.exportEntities;
    expect(report.kanonymity).toMatchObject({ required: true, k: 5, suppressedGroups: 1, suppressedRows: 1 });
    expect(report).toMatchObject({ recordsIn: 12, recordsOut: 11, removedIdentifiers: ['id', 'names'] });
    expect(rows.every((r: Record<string, unknown>) => !('id' in r) && !('names' in r) && r.age !== 87)).toBe(true);
  });

  it('logs every decision of every call (never served from a cache) on a verifiable chain', async () => {
    const tenant = testTenant('exp-ledger');
    await seed(tenant, [org('x'), org('y')]);
    const vars = { selection: { ids: ['x', 'y'] }, purpose: 'investigation', audience: 'INTERNAL' };

    const first = (await exportAs(tenant, vars)).data.exportEntities.report;
    const second = (await exportAs(tenant, vars)).data.exportEntities.report;

    expect(second.exportId).not.toBe(first.exportId);
    const logged = await entries(tenant);
    expect(logged.map((e) => e.data.decision_id)).toEqual([...first.decisionIds, ...second.decisionIds]);
    expect(new Set(logged.map((e) => e.data.revision))).toEqual(new Set([policy.revision]));
    expect((await verifyLedger(tenant, ledger.read(tenant))).ok).toBe(true);
  });

  it('rejects a selection with both ids and kinds as INVALID_INPUT', async () => {
    const json = await exportAs(testTenant('exp-bad'), {
      selection: { ids: ['a'], kinds: ['PERSON'] },
      purpose: 'investigation',
      audience: 'INTERNAL',
    });
    expect(json.errors![0]!.extensions.code).toBe('INVALID_INPUT');
  });
});
