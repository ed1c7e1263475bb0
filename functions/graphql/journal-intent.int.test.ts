import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { backupGraph } from '../core/backup/graph-backup.js';
import { restoreGraph } from '../core/backup/graph-restore.js';
import { graphSnapshot, loseRestoreReplayTwice, wipe } from '../core/backup/test-support/snapshot.js';
import { defaultErConfig } from '../core/er/config.js';
import { migrateEr } from '../core/er/migrations.js';
import { createDriver, Neo4jGraphRepository } from '../core/graph/index.js';
import {
  DynamoDbWriteJournal,
  type JournalEntry,
  type JournalPayload,
  replayJournal,
  tenantsToReplay,
  type WriteJournal,
} from '../core/journal/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';
import { seedPairs } from './test-support/reviews.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
const dynamo = new DynamoDbWriteJournal({ client, tableName: tableName('local', tables.writeJournal) });
const ledger = new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) });

/**
 * The real DynamoDB journal, with a switch that makes its appends fail: of outcomes only (the commit-side append
 * after the graph committed, as when the process dies right after the commit), or of everything.
 */
const faults = { outcomes: false, all: false };
const journal: WriteJournal = {
  async append(tenant: string, payloads: readonly JournalPayload[]) {
    if (faults.all || (faults.outcomes && payloads.some((p) => p.kind === 'outcome'))) {
      throw new Error('injected: write journal unreachable');
    }
    return dynamo.append(tenant, payloads);
  },
  read: (tenant, sinceMs) => dynamo.read(tenant, sinceMs),
  tenants: () => dynamo.tenants(),
};

let o: Awaited<ReturnType<typeof realOrigin>>;
let driver: Driver;
let dir: string;
beforeAll(async () => {
  driver = createDriver(t.neo4jUri);
  await migrateEr(driver);
  o = await realOrigin({ journal, ledger });
  dir = mkdtempSync(join(tmpdir(), 'graphgate-journal-intent-'));
});
afterAll(async () => {
  await o?.close();
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const investigator = { roles: ['investigator'], clearances: ['pii'] };
const viewer = { roles: ['viewer'] };

// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts.
type Json = { data?: Record<string, any> | null; errors?: { extensions: Record<string, any> }[] };

async function gql(
  tenant: string,
  operation: string,
  variables: Record<string, unknown>,
  attributes: Record<string, unknown> = investigator,
) {
  const res = await o.yoga.fetch(
    await signedGraphqlRequest({ tenant, subject: 'ann', attributes, operation, variables }),
  );
  return { status: res.status, json: (await res.json()) as Json };
}

const person = (id: string) => ({
  input: { id, kind: 'PERSON', names: [`Person ${id}`], dataClass: 'ENTITY', licence: 'INTERNAL_ONLY' },
});

async function journaled(tenant: string): Promise<JournalEntry['payload'][]> {
  const out: JournalEntry['payload'][] = [];
  for await (const e of dynamo.read(tenant, 0)) out.push(e.payload);
  return out;
}

const deps = () => ({ driver, repo: new Neo4jGraphRepository(driver), ledger, journal, erConfig: defaultErConfig });

async function backup(tenant: string) {
  await new Promise((r) => setTimeout(r, 5)); // the writes before it journaled strictly before its start
  const file = join(dir, `${tenant}.ndjson.gz`);
  const manifest = await backupGraph(driver, { tenants: [tenant], file });
  return { file, since: Date.parse(manifest.startedAt) };
}

describe('origin writes are journaled ahead of the graph transaction (intent, then outcome)', () => {
  it('leaves out in-doubt writes whose caller was told WRITE_IN_DOUBT, and brings back the resend that was acknowledged', async () => {
    const tenant = testTenant('journal-intent');
    for (const id of ['a', 'b']) expect((await gql(tenant, 'UpsertEntity', person(id))).json.errors).toBeUndefined();
    const { file, since } = await backup(tenant);

    // The graph commits each write, then the journal refuses its outcome: the caller is not told "ok".
    faults.outcomes = true;
    const merged = await gql(tenant, 'MergeEntity', { survivorId: 'a', mergedId: 'b', reason: 'same' });
    const upserted = await gql(tenant, 'UpsertEntity', person('c'));
    const linked = await gql(tenant, 'LinkEntities', { input: { from: 'a', to: 'c', type: 'KNOWS' } });
    faults.outcomes = false;
    // The client sends the upsert again, as told; this one is acknowledged.
    const resent = await gql(tenant, 'UpsertEntity', person('c'));
    const { restored, first, afterFirst, second } = await loseRestoreReplayTwice(driver, tenant, file, () =>
      replayJournal(deps(), tenant, since),
    );

    for (const res of [merged, upserted, linked]) {
      expect(res.status).toBe(503);
      expect(res.json.errors?.[0]?.extensions.code).toBe('WRITE_IN_DOUBT');
    }
    expect(resent.json.errors).toBeUndefined();
    const payloads = await journaled(tenant);
    // Two outcomes before the backup, one for the resend; none for the three in doubt.
    expect(payloads.filter((p) => p.kind === 'outcome')).toHaveLength(3);
    const skipped = { graphqlInDoubt: 3, graphqlWrites: 1, graphqlAlreadyApplied: 0, graphqlRefused: 0 };
    expect(first).toMatchObject(skipped);
    expect(first.inDoubtSkipped.map((s) => s.operation)).toEqual(['mergeEntity', 'upsertEntity', 'linkEntities']);
    expect(second).toMatchObject(skipped);
    expect(await graphSnapshot(driver, tenant)).toEqual(afterFirst);
    // The restore lacked c; the replay brought the acknowledged resend, and none of the writes in doubt.
    const repo = new Neo4jGraphRepository(driver);
    expect(restored.nodes.some((n) => n.includes('Person c'))).toBe(false);
    expect(await repo.getEntity(tenant, 'c')).toMatchObject({ names: ['Person c'] });
    expect(await repo.getEntity(tenant, 'b')).toMatchObject({ id: 'b' });
    expect(afterFirst.relationships.some((r) => r.includes('KNOWS'))).toBe(false);
    const records = await driver.executeQuery('MATCH (m:MergeRecord {tenant: $tenant}) RETURN m.id AS id', {
      tenant,
    });
    expect(records.records).toEqual([]);
  });

  it('does not replay a write the policy refused (its intent is aborted), though replay decides nothing again', async () => {
    const tenant = testTenant('journal-abort');
    expect((await gql(tenant, 'UpsertEntity', person('a'))).json.errors).toBeUndefined();
    const { file, since } = await backup(tenant);

    const refused = await gql(tenant, 'UpsertEntity', person('by-viewer'), viewer);
    await wipe(driver, tenant);
    await restoreGraph(driver, { file });
    const report = await replayJournal(deps(), tenant, since);

    expect(refused.json.errors?.[0]?.extensions.code).toBe('POLICY_DENIED');
    expect(await journaled(tenant)).toContainEqual(expect.objectContaining({ kind: 'outcome', outcome: 'aborted' }));
    expect(report).toMatchObject({ graphqlAborted: 1, graphqlWrites: 0, graphqlInDoubt: 0, inDoubtSkipped: [] });
    expect(await new Neo4jGraphRepository(driver).getEntity(tenant, 'by-viewer')).toBeNull();
  });

  it('refuses a write whose intent cannot be journaled (503 JOURNAL_UNAVAILABLE) and writes nothing', async () => {
    const tenant = testTenant('journal-down');

    faults.all = true;
    const res = await gql(tenant, 'UpsertEntity', person('never'));
    faults.all = false;

    expect(res.status).toBe(503);
    expect(res.json.errors?.[0]?.extensions.code).toBe('JOURNAL_UNAVAILABLE');
    expect(await new Neo4jGraphRepository(driver).getEntity(tenant, 'never')).toBeNull();
    expect(await journaled(tenant)).toEqual([]);
  });

  it('journals review claims and releases: a restored candidate is claimed by the same reviewer at the same time', async () => {
    const tenant = testTenant('journal-claims');
    const [p1, p2] = await seedPairs(driver, tenant, ['Lena Voss', 'Ravi Menon']);
    expect((await gql(tenant, 'ClaimReviews', { ids: [p2!.reviewId], release: false })).json.errors).toBeUndefined();
    const { file, since } = await backup(tenant);

    const claimed = await gql(tenant, 'ClaimReviews', { ids: [p1!.reviewId], release: false });
    const released = await gql(tenant, 'ClaimReviews', { ids: [p2!.reviewId], release: true });
    const { before, restored, first, afterFirst, second } = await loseRestoreReplayTwice(driver, tenant, file, () =>
      replayJournal(deps(), tenant, since),
    );

    expect([claimed, released].map((r) => r.json.data?.claimReviews.succeeded)).toEqual([1, 1]);
    expect(restored).not.toEqual(before);
    expect(first).toMatchObject({ graphqlWrites: 2, graphqlRefused: 0 });
    expect(afterFirst).toEqual(before);
    expect(second).toMatchObject({ graphqlWrites: 0, graphqlAlreadyApplied: 2 });
    const page = await gql(tenant, 'ReviewCandidate', { id: p1!.reviewId });
    expect(page.json.data?.reviewCandidate).toMatchObject({ assignee: 'ann' });
  });

  it('replays a tenant created after the backup without being named: the journal lists it', async () => {
    const old = testTenant('journal-known');
    const fresh = testTenant('journal-new');
    expect((await gql(old, 'UpsertEntity', person('x'))).json.errors).toBeUndefined();
    const { file, since } = await backup(old);

    expect((await gql(fresh, 'UpsertEntity', person('y'))).json.errors).toBeUndefined();
    const before = await graphSnapshot(driver, fresh);
    await wipe(driver, old);
    await wipe(driver, fresh);
    await restoreGraph(driver, { file });
    const restored = await graphSnapshot(driver, fresh);
    const tenants = await tenantsToReplay(journal, [old]);
    // Only this test's two: the shared journal lists every test's tenants, and replaying theirs would race them.
    const reports = await Promise.all([old, fresh].map((x) => replayJournal(deps(), x, since)));

    expect(tenants).toEqual(expect.arrayContaining([old, fresh]));
    expect(restored).not.toEqual(before);
    expect(reports[1]).toMatchObject({ graphqlWrites: 1 });
    expect(await graphSnapshot(driver, fresh)).toEqual(before);
  });
});
