import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLedger } from '../functions/core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { createDriver } from '../functions/core/graph/index.js';
import { toNumber } from '../functions/core/graph/model.js';
import { tableName, tables } from '../functions/core/resources/index.js';
import { seedGraph, seedTenant, startOfUtcDay, tenantGraph } from '../infra/local/seed/graph.js';
import { twin } from '../infra/local/test-support/twin.js';
import { apqBody } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

/**
 * NLQ on the seeded demo graph (the generator `npm start` seeds, under a seed of this file's own so its tenant is
 * its own), through the real edge and origin: the answer releases rows, and the export policy still withholds the
 * records it must — the expected withheld set is computed here from the generator, not read from the answer.
 */
const t = twin();
const driver = createDriver(t.neo4jUri);
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
// A seed of this file's own (its tenant is its own in the shared database), fixed so the withheld set is known.
const seed = 716_016;
const tenant = seedTenant(seed, 0);
const shape = { entities: 600, edges: 2_400 };
const asOf = startOfUtcDay(Date.now());
const graph = tenantGraph(seed, tenant, shape.entities, shape.edges, asOf);
const retentionDays = 365; // the ENTITY class's tier (policies/data.json: standard-365d)
let stack: Awaited<ReturnType<typeof realStack>>;

beforeAll(async () => {
  await seedGraph(driver, { seed, tenants: 1, ...shape, asOf });
  // Every policy decision of an answer is appended to the ledger one by one; on this shared 2-core machine that can
  // outlast the edge's default origin timeout, which is not what these tests are about.
  stack = await realStack({ ledger, config: { timeouts: { cacheMs: 250, originMs: 60_000 } } });
});
afterAll(async () => {
  await stack?.close();
  await driver.close();
});

interface NlqBody {
  data: {
    nlq: {
      rows: Record<string, unknown>[];
      refusal: { code: string } | null;
      report: { recordsIn: number; recordsOut: number; refused: { id: string; reasons: { rule: string }[] }[] };
    };
  };
}

async function ask(question: string, purpose: string, roles = ['analyst']) {
  const token = await stack.issuer.sign({ tenant, roles });
  const res = await stack.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: apqBody('Nlq', { question, purpose }),
  });
  return { status: res.status, body: (await res.json()) as NlqBody };
}

/** The organisations `list organisations from source registry` matches before policy: the first 100 by id. */
const registryOrganisations = graph.entities
  .filter((e) => e.kind === 'ORGANISATION' && e.props.sources.includes('"system":"registry"'))
  .sort((a, b) => a.id.localeCompare(b.id))
  .slice(0, 100);

/** The rules that must withhold an organisation from an internal NLQ answer for `purpose`: purpose, licence, retention. */
function withholdingRules(e: (typeof registryOrganisations)[number], purpose: string, now: number): string[] {
  const rules: string[] = [];
  if (!e.props.purposes.includes(purpose)) rules.push('purpose.drift');
  if (e.props.licence === 'NO_EXPORT') rules.push('licence.no_export');
  if (now > toNumber(e.props.createdAt) + retentionDays * 86_400_000) rules.push('retention.expired');
  return rules;
}

describe('nlq on the seeded demo graph through the edge and the origin', () => {
  it('releases organisation rows to an analyst investigating, and withholds exactly what policy must', async () => {
    const { status, body } = await ask('list organisations from source registry', 'investigation');

    expect(status).toBe(200);
    const a = body.data.nlq;
    expect(a.refusal).toBeNull();
    expect(a.report.recordsIn).toBe(registryOrganisations.length);
    expect(a.rows.length).toBeGreaterThan(0);
    const now = Date.now();
    const withheld = registryOrganisations.filter((e) => withholdingRules(e, 'investigation', now).length > 0);
    expect(withheld.length).toBeGreaterThan(0);
    expect(a.report.refused.map((r) => r.id).sort()).toEqual(withheld.map((e) => e.id).sort());
    for (const row of a.rows) expect(Object.keys(row)).not.toContain('names');
  });

  it('withholds by each rule the demo exercises: purpose drift, licence and retention', async () => {
    const { body } = await ask('list organisations from source registry', 'analytics');

    const now = Date.now();
    const expected = new Set(registryOrganisations.flatMap((e) => withholdingRules(e, 'analytics', now)));
    expect([...expected].sort()).toEqual(['licence.no_export', 'purpose.drift', 'retention.expired']);
    const fired = new Set(body.data.nlq.report.refused.flatMap((r) => r.reasons.map((x) => x.rule)));
    for (const rule of expected) expect(fired).toContain(rule);
  });

  it('refuses the answer for a purpose the caller may not declare', async () => {
    const { status, body } = await ask('list organisations from source registry', 'marketing');

    expect(status).toBe(200);
    expect(body.data.nlq.rows).toEqual([]);
    expect(body.data.nlq.refusal?.code).toBe('POLICY_DENIED');
  });
});
