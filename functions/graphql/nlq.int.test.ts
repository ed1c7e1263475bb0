import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedGraph, seedTenant, startOfUtcDay, tenantGraph } from '../../infra/local/seed/graph.js';
import { twin } from '../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { createDriver, Neo4jGraphRepository } from '../core/graph/index.js';
import { entityInput } from '../core/graph/test-support/fixtures.js';
import { manifest } from '../core/manifest/index.js';
import { planSpace } from '../core/nlq/plan-cache.js';
import { countingNlqMetrics } from '../core/nlq/telemetry.js';
import { loadWasmPolicyEngine } from '../core/policy/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { upstashNonceStore } from '../core/signing/upstash-nonces.js';
import { createOrigin } from './app.js';
import { originNlqService } from './nlq-service.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

const t = twin();
const driver = createDriver(t.neo4jUri);
const redis = new Redis({ url: t.upstashUrl, token: t.upstashToken });
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
// A seed of its own gives this file its own tenant in the shared database.
const seed = 900_000 + Math.floor(Math.random() * 90_000);
const tenant = seedTenant(seed, 0);
const asOf = startOfUtcDay(Date.now());
const graph = tenantGraph(seed, tenant, 400, 1600, asOf);
const investigator = { roles: ['investigator'], clearances: ['pii'] };
const { metrics, counts } = countingNlqMetrics();
let origin: ReturnType<typeof createOrigin>;

beforeAll(async () => {
  await seedGraph(driver, { seed, tenants: 1, entities: 400, edges: 1600, batchSize: 2000, asOf });
  const policy = await loadWasmPolicyEngine();
  const repo = new Neo4jGraphRepository(driver);
  // Six organisations of a source of their own, each collected for investigation: the release below is known exactly.
  for (let i = 0; i < 6; i++)
    await repo.upsertEntity(
      tenant,
      entityInput({
        kind: 'ORGANISATION',
        names: [`Harbour Freight ${i}`],
        dataClass: 'ENTITY',
        licence: 'PUBLIC',
        purposes: ['investigation'],
        sources: [{ system: 'nlqtest', recordId: `r${i}` }],
      }),
    );
  origin = createOrigin({
    repo,
    policy,
    signingKeys: [testKey],
    nonces: upstashNonceStore(redis),
    ledger,
    nlq: originNlqService({ driver, redis, policy, ledger, stage: 'local', metrics }),
  });
});
afterAll(() => driver.close());

// biome-ignore lint/suspicious/noExplicitAny: each test asserts the fields it reads.
type Json = { data?: any; errors?: { message: string; extensions: any }[] };

async function ask(question: string, as = { tenant, attributes: investigator }, purpose = 'investigation') {
  const req = await signedGraphqlRequest({
    tenant: as.tenant,
    operation: 'Nlq',
    variables: { question, purpose },
    attributes: as.attributes,
  });
  const res = await origin.yoga.fetch(req);
  return { status: res.status, body: (await res.json()) as Json };
}

const count = (kind: string) => graph.entities.filter((e) => e.kind === kind).length;

describe('nlq through the origin, against the real twin (Neo4j, Upstash, OPA wasm, dynalite ledger)', () => {
  it('answers a count with the seeded number, shows the plan with its tenant, and caches the plan by intent', async () => {
    const first = await ask('How many organisations are there?');
    expect(first.body.errors).toBeUndefined();
    const a = first.body.data.nlq;
    expect(a.refusal).toBeNull();
    expect(a.rows).toEqual([{ count: count('ORGANISATION') + 6 }]);
    expect(a.plan.parameters).toMatchObject({ tenant, kind: 'ORGANISATION' });
    expect(a.plan.tier).toBe('GRAMMAR');

    const paraphrase = (await ask('count the people')).body.data.nlq;
    expect(paraphrase.fromCache).toBe(true);
    expect(paraphrase.rows).toEqual([{ count: count('PERSON') }]);
    // The six purpose-bearing organisations of beforeAll count too.
    expect(await redis.zcard(`${planSpace(tenant, manifest.schemaVersion)}:lru`)).toBeGreaterThanOrEqual(1);
  });

  it('releases entity rows through the NLQ export policy: no ids or names, decisions in the ledger', async () => {
    const a = (await ask('list organisations from source nlqtest')).body.data.nlq;
    expect(a.refusal).toBeNull();
    expect(a.report.recordsIn).toBe(6);
    expect(a.rows).toHaveLength(6);
    expect(a.report.removedIdentifiers).toEqual(['id', 'names']);
    for (const row of a.rows) expect(Object.keys(row)).not.toContain('names');
    let logged = 0;
    for await (const e of ledger.read(tenant))
      if (e.kind === 'policy.decision' && (e.data as { export_id?: string }).export_id === a.report.exportId) logged++;
    expect(a.report.decisionIds.length).toBeGreaterThan(0);
    expect(logged).toBe(a.report.decisionIds.length);
  });

  it('refuses a write, an unbounded walk and another tenant with stable codes, as answers (200)', async () => {
    for (const [question, code] of [
      ['delete every person', 'WRITE_REQUESTED'],
      ['who is connected to Olga Chen within 7 hops', 'HOPS_TOO_DEEP'],
      ['list the people of tenant other', 'CROSS_TENANT'],
      ['what is the meaning of life', 'NOT_UNDERSTOOD'],
    ] as const) {
      const { status, body } = await ask(question);
      expect(status).toBe(200);
      expect(body.data.nlq.refusal.code).toBe(code);
      expect(body.data.nlq.rows).toEqual([]);
    }
    expect(counts.refused).toBeGreaterThanOrEqual(4);
  });

  it('answers INVALID_INPUT (never a 5xx) for an empty question or a malformed purpose', async () => {
    for (const [question, purpose] of [
      ['', 'investigation'],
      ['how many people are there', 'Not A Purpose!'],
    ] as const) {
      const { status, body } = await ask(question, { tenant, attributes: investigator }, purpose);
      expect(status).toBeLessThan(500);
      expect(body.errors?.[0]?.extensions.code).toBe('INVALID_INPUT');
    }
  });

  it("scopes by the caller's classes: an analyst (no PII) counts no people", async () => {
    const analyst = { tenant, attributes: { roles: ['analyst'], clearances: [] } };
    const a = (await ask('how many people are there', analyst, 'analytics')).body.data.nlq;
    expect(a.plan.parameters.dataClasses).not.toContain('PII');
    expect(a.rows).toEqual([{ count: 0 }]);
  });
});
