import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../audit/dynamodb-ledger.js';
import { verifyLedger } from '../audit/verify.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { backupGraph } from '../backup/graph-backup.js';
import { restoreGraph } from '../backup/graph-restore.js';
import { graphSnapshot, wipe } from '../backup/test-support/snapshot.js';
import { applyEvents } from '../er/apply.js';
import { defaultErConfig } from '../er/config.js';
import { appliedEventCountCypher, getDecisionCypher } from '../er/cypher.js';
import { migrateEr } from '../er/migrations.js';
import { defaultModel } from '../er/model/defaults.js';
import { saveModel, storedModels } from '../er/model-store.js';
import { graphEffect } from '../er/pipeline.js';
import { applyRecluster, planRecluster } from '../er/recluster.js';
import type { Envelope } from '../er/schemas.js';
import { readTenantSnapshot } from '../er/tenant-records.js';
import { envelopeFor, personRecord } from '../er/test-support/records.js';
import { createDriver, migrate, Neo4jGraphRepository } from '../graph/index.js';
import { entityInput, linkInput } from '../graph/test-support/fixtures.js';
import { tableName, tables } from '../resources/index.js';
import { DynamoDbWriteJournal } from './dynamodb-journal.js';
import { replayJournal } from './replay.js';

let driver: Driver;
let dir: string;
const t = () => twin();

beforeAll(async () => {
  driver = createDriver(t().neo4jUri);
  await migrate(driver);
  await migrateEr(driver);
  dir = mkdtempSync(join(tmpdir(), 'graphgate-journal-test-'));
});
afterAll(async () => {
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The journal, ledger and graph repository on the twin, as a restore's replay uses them. */
function stores() {
  const client = dynamoClient({ region: t().region, endpoint: t().dynamoEndpoint });
  return {
    journal: new DynamoDbWriteJournal({ client, tableName: tableName('local', tables.writeJournal) }),
    ledger: new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) }),
    repo: new Neo4jGraphRepository(driver),
  };
}

function envelope(tenant: string, n: number): Envelope {
  return {
    v: 1,
    tenant,
    eventId: `ev-journal-${n}`,
    idempotencyKey: `k-${n}`,
    acceptedAt: Date.now(),
    submittedBy: 'tester',
    record: {
      kind: 'PERSON',
      names: [`Journal Person ${n}`],
      identifiers: [{ scheme: 'ref', value: `J${n}` }],
      dates: [],
      source: { system: 'crm', recordId: `r-${n}` },
      licence: 'INTERNAL_ONLY',
      dataClass: 'ENTITY',
      attributes: {},
    },
  };
}

const sleepPastMs = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('write journal replay after a restore', () => {
  it('brings a restored tenant forward: acknowledged writes and completed events, one ledger entry each', async () => {
    const tenant = testTenant('journal');
    const { journal, ledger, repo } = stores();
    const effect = graphEffect(driver, ledger, defaultErConfig);
    await repo.upsertEntity(tenant, entityInput({ id: 'before', dataClass: 'ENTITY' }));
    await effect(envelope(tenant, 1), 5_000);
    // Accepted before the backup: one applied before it, one that waited in the queue and was applied after it.
    const queued = envelope(tenant, 4);
    await journal.append(tenant, [
      { kind: 'event', envelope: { ...envelope(tenant, 1) } },
      { kind: 'event', envelope: { ...queued } },
    ]);
    await sleepPastMs();
    const file = join(dir, `${tenant}.ndjson.gz`);
    const manifest = await backupGraph(driver, { tenants: [tenant], file });

    // Accepted after the backup: an upsert and a link (journaled once committed), an event that completed, and an
    // event the queue accepted but no worker had completed.
    const after = entityInput({ id: 'after', names: ['After Backup'], dataClass: 'ENTITY' });
    await repo.upsertEntity(tenant, after);
    await journal.append(tenant, [{ kind: 'graphql', operation: 'upsertEntity', input: { ...after } }]);
    const link = linkInput('before', 'after');
    await repo.linkEntities(tenant, link);
    await journal.append(tenant, [{ kind: 'graphql', operation: 'linkEntities', input: { ...link } }]);
    const completed = envelope(tenant, 2);
    await effect(completed, 5_000);
    await effect(queued, 5_000);
    await journal.append(tenant, [
      { kind: 'event', envelope: { ...completed } },
      { kind: 'event', envelope: { ...envelope(tenant, 3) } },
    ]);
    const decisionBefore = (
      await driver.executeQuery(getDecisionCypher.cypher, { tenant, eventId: completed.eventId })
    ).records[0]!.get('decision');

    await wipe(driver, tenant);
    await restoreGraph(driver, { file });
    const report = await replayJournal(
      { driver, repo, ledger, journal, erConfig: defaultErConfig },
      tenant,
      Date.parse(manifest.startedAt),
    );

    expect(report).toMatchObject({
      graphqlWrites: 2,
      eventsApplied: 2,
      eventsAlreadyApplied: 1,
      eventsLeftToQueue: 1,
      eventsOutsideWindow: 0,
    });
    expect((await repo.getEntity(tenant, 'after'))?.names).toEqual(['After Backup']);
    const around = await repo.neighbors(tenant, { id: 'before', hops: 1, limit: 10 });
    expect(around?.entities.map((e) => e.id)).toEqual(['after']);
    const applied = await driver.executeQuery(appliedEventCountCypher.cypher, { tenant });
    expect(Number(applied.records[0]!.get('n'))).toBe(3);
    const decision = (
      await driver.executeQuery(getDecisionCypher.cypher, { tenant, eventId: completed.eventId })
    ).records[0]!.get('decision');
    expect(Number(decision.ledgerSeq)).toBe(Number(decisionBefore.ledgerSeq));
    const chain = await verifyLedger(tenant, ledger.read(tenant));
    expect(chain).toMatchObject({ ok: true, lastSeq: 3 });
  });

  it('records the seq of an event an earlier replay applied and died before recording, and appends nothing', async () => {
    const tenant = testTenant('journal-rerun');
    const { journal, ledger, repo } = stores();
    await repo.upsertEntity(tenant, entityInput({ id: 'before', dataClass: 'ENTITY' }));
    await sleepPastMs();
    const file = join(dir, `${tenant}.ndjson.gz`);
    const manifest = await backupGraph(driver, { tenants: [tenant], file });
    const event = envelope(tenant, 5);
    await graphEffect(driver, ledger, defaultErConfig)(event, 5_000);
    await journal.append(tenant, [{ kind: 'event', envelope: { ...event } }]);
    const ledgered = await ledger.head(tenant);
    await wipe(driver, tenant);
    await restoreGraph(driver, { file });
    // The earlier replay: it applied the event again, then died before recording where its entry is.
    await applyEvents(driver, [{ envelope: event }], defaultErConfig, storedModels(driver));

    const report = await replayJournal(
      { driver, repo, ledger, journal, erConfig: defaultErConfig },
      tenant,
      Date.parse(manifest.startedAt),
    );

    expect(report).toMatchObject({ eventsApplied: 0, eventsAlreadyApplied: 1 });
    const decision = (
      await driver.executeQuery(getDecisionCypher.cypher, { tenant, eventId: event.eventId })
    ).records[0]!.get('decision');
    expect(Number(decision.ledgerSeq)).toBe(ledgered!.seq);
    expect(await verifyLedger(tenant, ledger.read(tenant))).toMatchObject({ ok: true, lastSeq: ledgered!.seq });
  });

  it('counts a decision made since the backup whose event is older than the journal window', async () => {
    const tenant = testTenant('journal-window');
    const { journal, ledger } = stores();
    const old = envelope(tenant, 7);
    await journal.append(tenant, [{ kind: 'event', envelope: { ...old } }]);
    await sleepPastMs(50);
    const backupAt = Date.now();
    await graphEffect(driver, ledger, defaultErConfig)(old, 5_000);

    const deps = { driver, repo: new Neo4jGraphRepository(driver), ledger, journal, erConfig: defaultErConfig };
    const narrow = await replayJournal(deps, tenant, backupAt, 10);

    expect(narrow).toMatchObject({ eventsApplied: 0, eventsOutsideWindow: 1 });
  });

  it('replays merges (keeping their mergeId), unmerges and reclassifies acknowledged since the backup, twice without change', async () => {
    const tenant = testTenant('journal-merge');
    const { journal, ledger, repo } = stores();
    for (const id of ['a', 'b', 'c', 'd', 'n']) {
      await repo.upsertEntity(tenant, entityInput({ id, names: [`Merge Person ${id}`], dataClass: 'ENTITY' }));
    }
    await repo.linkEntities(tenant, linkInput('b', 'n'));
    const early = await repo.mergeEntity(tenant, { survivorId: 'd', mergedId: 'c', actor: 'al' });
    await sleepPastMs();
    const file = join(dir, `${tenant}.ndjson.gz`);
    const manifest = await backupGraph(driver, { tenants: [tenant], file });

    // Acknowledged after the backup, journaled as the origin's resolvers do: a merge with its id, the unmerge of the
    // merge the backup holds, and a reclassify of the restored entity.
    const merge = { survivorId: 'a', mergedId: 'b', reason: 'same person', actor: 'al' };
    const merged = await repo.mergeEntity(tenant, merge);
    await journal.append(tenant, [
      { kind: 'graphql', operation: 'mergeEntity', input: { ...merge, mergeId: merged.value.mergeId } },
    ]);
    const unmerge = { mergeId: early.value.mergeId, actor: 'bo' };
    await repo.unmergeEntity(tenant, unmerge);
    await journal.append(tenant, [{ kind: 'graphql', operation: 'unmergeEntity', input: { ...unmerge } }]);
    await repo.reclassifyEntity(tenant, { id: 'c', dataClass: 'PII' });
    await journal.append(tenant, [
      { kind: 'graphql', operation: 'reclassifyEntity', input: { id: 'c', dataClass: 'PII' } },
    ]);
    const visibleIds = async () =>
      (await Promise.all(['a', 'b', 'c', 'd'].map((id) => repo.getEntity(tenant, id)))).map((e) => e?.id ?? null);
    const wanted = { ids: await visibleIds(), c: (await repo.getEntity(tenant, 'c'))?.dataClass };

    await wipe(driver, tenant);
    await restoreGraph(driver, { file });
    const deps = { driver, repo, ledger, journal, erConfig: defaultErConfig };
    const first = await replayJournal(deps, tenant, Date.parse(manifest.startedAt));
    const second = await replayJournal(deps, tenant, Date.parse(manifest.startedAt));

    expect(first).toMatchObject({ graphqlWrites: 3, graphqlAlreadyApplied: 0, graphqlRefused: 0 });
    // Again: the merge record exists and the unmerge is done, so only the (idempotent) reclassify runs.
    expect(second).toMatchObject({ graphqlWrites: 1, graphqlAlreadyApplied: 2, graphqlRefused: 0 });
    expect(wanted.ids).toEqual(['a', null, 'c', 'd']);
    expect(await visibleIds()).toEqual(wanted.ids);
    expect((await repo.getEntity(tenant, 'c'))?.dataClass).toBe('PII');
    // The replayed merge kept its id: it moved b's link onto a under that id, and it can be undone by it.
    const around = await repo.neighbors(tenant, { id: 'a', hops: 1, limit: 10 });
    expect(around?.entities.map((e) => e.id)).toEqual(['n']);
    await repo.unmergeEntity(tenant, { mergeId: merged.value.mergeId, actor: 'bo' });
    expect(await visibleIds()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('replays a re-cluster run since the backup (merge, split, review close): the graph as before the loss, twice', async () => {
    const tenant = testTenant('journal-recluster');
    const { journal, ledger } = stores();
    const models = storedModels(driver, { ttlMs: 0 });
    // Name-only duplicates (a MID review) and a name + passport pair (merged HIGH); then a model that merges on the name
    // alone and no longer trusts the passport, so the re-cluster merges the first pair, splits the second, closes the review.
    const passport = [{ scheme: 'passport', value: 'P-87654321' }];
    const records = [
      ['r1', personRecord({ names: ['Frances Allen'] })],
      ['r2', personRecord({ names: ['Frances Allen'] })],
      ['r3', personRecord({ names: ['Ken Thompson'], identifiers: passport })],
      ['r4', personRecord({ names: ['Ken Thompson'], identifiers: passport })],
    ] as const;
    for (const [id, record] of records) {
      await applyEvents(driver, [{ envelope: envelopeFor(tenant, id, record) }], defaultErConfig, models);
    }
    const changed = { ...defaultModel, prior: 0.5, bands: { high: 0.999999999, mid: 0.99999999 } };
    changed.comparisons = {
      ...defaultModel.comparisons,
      identifier: { ...defaultModel.comparisons.identifier!, exact: { m: 0.001, u: 0.5 } },
      name: { ...defaultModel.comparisons.name!, exact: { m: 0.6, u: 0.0000000001 } },
    };
    await saveModel(driver, tenant, changed, { kind: 'PERSON', activate: true });
    await sleepPastMs();
    const file = join(dir, `${tenant}.ndjson.gz`);
    const manifest = await backupGraph(driver, { tenants: [tenant], file });
    const plan = planRecluster(await readTenantSnapshot(driver, tenant), await models.modelFor(tenant, 'PERSON'));
    const applied = await applyRecluster(driver, tenant, plan, { journal });
    const before = await graphSnapshot(driver, tenant);

    await wipe(driver, tenant);
    await restoreGraph(driver, { file });
    const deps = { driver, repo: new Neo4jGraphRepository(driver), ledger, journal, erConfig: defaultErConfig };
    const first = await replayJournal(deps, tenant, Date.parse(manifest.startedAt));
    const afterFirst = await graphSnapshot(driver, tenant);
    const second = await replayJournal(deps, tenant, Date.parse(manifest.startedAt));

    expect(applied).toMatchObject({ skipped: [], reviewsClosed: 1 });
    expect([applied.merged.length, applied.split.length]).toEqual([1, 1]);
    expect(first).toMatchObject({ graphqlWrites: 3, graphqlAlreadyApplied: 0, graphqlRefused: 0 });
    expect(afterFirst).toEqual(before);
    expect(second).toMatchObject({ graphqlWrites: 0, graphqlAlreadyApplied: 3, graphqlRefused: 0 });
    expect(await graphSnapshot(driver, tenant)).toEqual(before);
  });
});
