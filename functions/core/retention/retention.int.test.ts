import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../audit/dynamodb-ledger.js';
import type { LedgerEntry } from '../audit/types.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { createDriver, Neo4jGraphRepository } from '../graph/index.js';
import { Neo4jRetentionStore } from '../graph/retention-store.js';
import type { EntityInput } from '../graph/types.js';
import { loadWasmPolicyEngine, type PolicyEngine } from '../policy/index.js';
import { tableName, tables } from '../resources/index.js';
import { policyExpiry } from './expiry.js';
import { sweep } from './sweep.js';

const DAY = 86_400_000;
const t = twin();
const driver = createDriver(t.neo4jUri);
const store = new Neo4jRetentionStore(driver);
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
let engine: PolicyEngine;
/** Reads and writes "now". */
let repo: Neo4jGraphRepository;
/** Writes as if 40 days ago: PII (short-30d) written then is expired now; ENTITY (standard-365d) is not. */
let past: Neo4jGraphRepository;
/** A writer without a retention rule, 400 days ago: no expiry stamped, although ENTITY data expires after 365. */
let legacy: Neo4jGraphRepository;

beforeAll(async () => {
  engine = await loadWasmPolicyEngine();
  repo = new Neo4jGraphRepository(driver, { expiry: policyExpiry(engine) });
  past = new Neo4jGraphRepository(driver, { expiry: policyExpiry(engine), clock: () => Date.now() - 40 * DAY });
  legacy = new Neo4jGraphRepository(driver, { clock: () => Date.now() - 400 * DAY });
});
afterAll(() => driver.close());

const entity = (id: string, over: Partial<EntityInput> = {}): EntityInput => ({
  id,
  kind: 'PERSON',
  names: [`${id} Quartermaine`],
  dataClass: 'ENTITY',
  licence: 'INTERNAL_ONLY',
  ...over,
});

/** a — old (expired PII) — b, plus a held PII record and a legacy record without expiry. */
async function world(tenant: string) {
  await past.upsertEntity(tenant, entity('old', { dataClass: 'PII', names: ['Oldwyn Expiredson'] }));
  await past.upsertEntity(tenant, entity('held', { dataClass: 'PII', names: ['Helda Keeper'] }));
  await legacy.upsertEntity(tenant, entity('legacy', { names: ['Legacy Unstamped'] }));
  await repo.upsertEntity(tenant, entity('a'));
  await repo.upsertEntity(tenant, entity('b'));
  await repo.linkEntities(tenant, { from: 'a', to: 'old', type: 'KNOWS' });
  await repo.linkEntities(tenant, { from: 'old', to: 'b', type: 'KNOWS' });
  await store.setLegalHold(tenant, 'held', true, policyExpiry(engine));
}

async function raw(tenant: string, id: string) {
  const { records } = await driver.executeQuery(
    'MATCH (e:Entity {tenant: $tenant, id: $id}) RETURN properties(e) AS p, COUNT { (e)--() } AS rels',
    { tenant, id },
  );
  return { props: records[0]!.get('p') as Record<string, unknown>, rels: Number(records[0]!.get('rels')) };
}

async function ledgerOf(tenant: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of ledger.read(tenant)) out.push(e);
  return out;
}

describe('retention on real Neo4j with the policy wasm', () => {
  it('stamps an expiry from the policy on write, none under legal hold', async () => {
    const tenant = testTenant('ret-stamp');
    await world(tenant);
    const a = await raw(tenant, 'a');
    const held = await raw(tenant, 'held');
    expect(Number(a.props.expiresAt) - Number(a.props.createdAt)).toBe(365 * DAY);
    expect(held.props).toMatchObject({ legalHold: true });
    expect(held.props.expiresAt).toBeUndefined();
  });

  it('hides expired entities from entity, search, neighbors and path before any sweep', async () => {
    const tenant = testTenant('ret-read');
    await world(tenant);

    const entity = await repo.getEntity(tenant, 'old');
    const hits = await repo.search(tenant, { text: 'Oldwyn', limit: 10 });
    const around = await repo.neighbors(tenant, { id: 'a', hops: 2, limit: 50 });
    const path = await repo.path(tenant, { from: 'a', to: 'b', maxHops: 3 });
    const heldStillThere = await repo.getEntity(tenant, 'held');

    expect(entity).toBeNull();
    expect(hits).toEqual([]);
    expect(around!.entities.map((e) => e.id)).toEqual([]);
    expect(around!.relationships).toEqual([]);
    expect(path).toBeNull();
    expect(heldStillThere?.id).toBe('held');
  });

  it('sweeps: tombstones expired and legacy-expired data, keeps legal holds, audits, and reruns as a no-op', async () => {
    const tenant = testTenant('ret-sweep');
    await world(tenant);

    const dry = await sweep({ store, engine, ledger, tenants: [tenant], dryRun: true });
    const [first] = (await sweep({ store, engine, ledger, tenants: [tenant] })).tenants;
    const [again] = (await sweep({ store, engine, ledger, tenants: [tenant] })).tenants;

    expect(dry.tenants[0]).toMatchObject({ tombstoned: 2, stamped: 1, ledgerEntries: 0 });
    expect(first).toMatchObject({ stamped: 1, tombstoned: 2, relationshipsRemoved: 2, held: 1, skippedHeld: 0 });
    expect(again).toMatchObject({ stamped: 0, restamped: 0, tombstoned: 0, ledgerEntries: 0, held: 1 });
    const old = await raw(tenant, 'old');
    expect(old.rels).toBe(0);
    expect(old.props).toMatchObject({ tombstonedAt: expect.anything(), retentionTier: 'short-30d', dataClass: 'PII' });
    expect(old.props.names).toBeUndefined();
    expect((await raw(tenant, 'legacy')).props.tombstonedAt).toBeDefined();
    expect((await raw(tenant, 'held')).props.names).toEqual(['Helda Keeper']);
    const tomb = (await ledgerOf(tenant)).find((e) => e.kind === 'retention.tombstone')!;
    expect(tomb.data).toMatchObject({ revision: engine.revision, relationships_removed: 2 });
    const ids = (tomb.data.entities as { id: string; decision_id: string }[]).map((e) => e.id).sort();
    expect(ids).toEqual(['legacy', 'old']);
  });

  it('collects a tombstoned id anew on upsert, with no old data and a fresh expiry', async () => {
    const tenant = testTenant('ret-again');
    await world(tenant);
    await sweep({ store, engine, ledger, tenants: [tenant] });

    const back = await repo.upsertEntity(tenant, entity('old', { names: ['Oldwyn Returned'] }));

    expect(back.value.names).toEqual(['Oldwyn Returned']);
    expect(Date.parse(back.value.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await repo.getEntity(tenant, 'old'))?.names).toEqual(['Oldwyn Returned']);
  });
});
