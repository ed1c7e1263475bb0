import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { createDriver } from '../graph/driver.js';
import { unmergeTx } from '../graph/merge.js';
import { migrate } from '../graph/migrations.js';
import { lockAndMarkEventsTx } from './applied-marker.js';
import { applyEvent, applyEvents, entityIdFor } from './apply.js';
import { defaultErConfig } from './config.js';
import { migrateEr } from './migrations.js';
import { defaultModel } from './model/defaults.js';
import { listModels, saveModel, storedModels } from './model-store.js';
import { normaliseRecord } from './normalise.js';
import { applyRecluster, planRecluster } from './recluster.js';
import { comparableOfRecord, decide } from './score.js';
import { readTenantSnapshot } from './tenant-records.js';
import { envelopeFor, personRecord } from './test-support/records.js';
import { trainTenant } from './train-tenant.js';

let driver: Driver;

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrate(driver);
  await migrateEr(driver);
});
afterAll(() => driver?.close());

const liveIds = async (tenant: string) => {
  const { records } = await driver.executeQuery(
    'MATCH (e:Entity {tenant: $tenant}) WHERE e.mergedInto IS NULL RETURN e.id AS id ORDER BY id',
    { tenant },
  );
  return records.map((r) => String(r.get('id')));
};

describe('entity resolution on the twin: cluster repair, races, stored models', () => {
  it('holds an event’s stripes until it commits: another transaction on a shared stripe waits, even once the lock nodes exist', async () => {
    const tenant = testTenant('er-lock');
    const lock = async (stripes: number[]) => {
      const session = driver.session();
      try {
        await session.executeWrite((tx) => lockAndMarkEventsTx(tx, tenant, stripes, []));
      } finally {
        await session.close();
      }
    };
    await lock([5, 9]); // the lock nodes exist from here on: what follows only takes their locks

    const holder = driver.session();
    const held = await holder.beginTransaction();
    let second = false;
    try {
      await lockAndMarkEventsTx(held as never, tenant, [9], []);
      const waiting = lock([1, 9]).then(() => {
        second = true;
      });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(second).toBe(false);

      await held.commit();
      await waiting;
      expect(second).toBe(true);
    } finally {
      await holder.close();
    }
  });

  it('joins two entities a record matches at HIGH (cluster repair), and an unmerge of the repair splits them again', async () => {
    // Prepare: the same person twice, apart (name alone is MID), then a record that is each of them at HIGH.
    const tenant = testTenant('er-repair');
    const models = storedModels(driver);
    const passport = [{ scheme: 'passport', value: 'P-4711-22' }];
    const birth = [{ type: 'birth' as const, value: '1950-01-01' }];
    const k1 = envelopeFor(tenant, 'k1', personRecord({ names: ['Mary Smith'], identifiers: passport }));
    const k2 = envelopeFor(tenant, 'k2', personRecord({ names: ['Mary Smith'], dates: birth }));
    const k3 = envelopeFor(tenant, 'k3', personRecord({ names: ['Mary Smith'], identifiers: passport, dates: birth }));
    const first = await applyEvents(driver, [{ envelope: k1 }], defaultErConfig, models);
    const second = await applyEvents(driver, [{ envelope: k2 }], defaultErConfig, models);
    expect(first[0]).toMatchObject({ status: 'fulfilled', value: { outcome: { band: 'LOW' } } });
    expect(second[0]).toMatchObject({ status: 'fulfilled', value: { outcome: { band: 'MID' } } });
    expect(await liveIds(tenant)).toHaveLength(2);

    // Act
    const { outcome } = await applyEvent(driver, k3, defaultErConfig, defaultModel);

    // Assess: k3 merged into the better match, the other one joined it, one live entity holds all three records.
    expect(outcome.band).toBe('HIGH');
    expect(outcome.repairMergeIds).toHaveLength(1);
    const live = await liveIds(tenant);
    expect(live).toEqual([outcome.candidateId]);
    const { records } = await driver.executeQuery(
      'MATCH (m:MergeRecord {tenant: $tenant, id: $id}) RETURN m.reason AS reason, m.mergedId AS mergedId',
      { tenant, id: outcome.repairMergeIds[0] },
    );
    expect(String(records[0]?.get('reason'))).toMatch(/^er repair: event ev-k3 matched both at 0\.9\d+ model fs-/);
    const repaired = String(records[0]?.get('mergedId'));
    expect([entityIdFor('ev-k1'), entityIdFor('ev-k2')]).toContain(repaired);

    const session = driver.session();
    try {
      await session.executeWrite((tx) =>
        unmergeTx(tx, tenant, { mergeId: outcome.repairMergeIds[0]!, actor: 'reviewer' }),
      );
    } finally {
      await session.close();
    }
    expect(await liveIds(tenant)).toEqual([outcome.candidateId!, repaired].sort());
  });

  it('decides a group in one transaction as it would one event at a time: later events see the group’s entities, merges and repairs', async () => {
    // Prepare: the repair story above, plus a record that shares keys only with the entity the repair merged away.
    const passport = [{ scheme: 'passport', value: 'P-5821-07' }];
    const birth = [{ type: 'birth' as const, value: '1961-07-30' }];
    const records = [
      personRecord({ names: ['Grace Hopper'], identifiers: passport }),
      personRecord({ names: ['Grace Hopper'], dates: birth }),
      personRecord({ names: ['Grace Hopper'], identifiers: passport, dates: birth }),
      personRecord({ names: ['Grace B. Hopper'], dates: birth }),
      personRecord({ names: ['Alan Kay'], dates: [{ type: 'birth', value: '1940-05-17' }] }),
    ];
    const grouped = testTenant('er-group-view');
    const oneByOne = testTenant('er-group-view-seq');
    const models = storedModels(driver);
    const work = (tenant: string) => records.map((r, i) => ({ envelope: envelopeFor(tenant, `k${i + 1}`, r) }));

    // Act
    const inGroup = await applyEvents(driver, work(grouped), defaultErConfig, models);
    const alone = [];
    for (const w of work(oneByOne)) alone.push(...(await applyEvents(driver, [w], defaultErConfig, models)));

    // Assess: the same decisions (entity ids derive from event ids, so they are equal across the two tenants).
    const decided = (results: typeof inGroup) =>
      results.map((r) => {
        if (r.status !== 'fulfilled') throw r.reason;
        const { band, candidateId, entityId, repairMergeIds } = r.value.outcome;
        return { band, candidateId, entityId, repairs: repairMergeIds.length };
      });
    expect(decided(inGroup)).toEqual(decided(alone));
    const [, , third, fourth] = decided(inGroup);
    expect(third).toMatchObject({ band: 'HIGH', repairs: 1 });
    // The fourth shares its date only with the second record's entity, which the third merged away: it meets the survivor.
    expect(fourth?.candidateId).toBe(third?.candidateId);
    expect(await liveIds(grouped)).toEqual(await liveIds(oneByOne));
  });

  it('applies an event that appears twice in one group once: the second copy answers with the first copy’s decision', async () => {
    const [a, b] = [testTenant('er-group-dup-a'), testTenant('er-group-dup-b')];
    const ada = envelopeFor(a, 'k1', personRecord({ names: ['Ada Lovelace'] }));
    const other = envelopeFor(b, 'k1', personRecord({ names: ['Grace Hopper'] }));
    const work = [ada, other, ada].map((envelope) => ({ envelope }));
    const results = await applyEvents(driver, work, defaultErConfig, storedModels(driver));
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
    expect(values.map((v) => v.applied)).toEqual([true, true, false]);
    expect(values[2].outcome).toMatchObject({ eventId: ada.eventId, entityId: values[0].outcome.entityId });
    const counts = async (tenant: string) => {
      const { records } = await driver.executeQuery(
        `MATCH (m:AppliedEvent {tenant: $tenant}) WITH count(m) AS markers
         MATCH (d:ErDecision {tenant: $tenant}) RETURN markers, count(d) AS decisions`,
        { tenant },
      );
      return [Number(records[0]?.get('markers')), Number(records[0]?.get('decisions'))];
    };
    expect(await counts(a)).toEqual([1, 1]);
    expect(await counts(b)).toEqual([1, 1]);
    // Applied again later, in a group of its own: the stored decision, nothing written.
    const again = await applyEvents(driver, [work[0]!], defaultErConfig, storedModels(driver));
    expect(again[0]).toMatchObject({
      status: 'fulfilled',
      value: { applied: false, outcome: { band: values[0].outcome.band } },
    });
    expect(await liveIds(a)).toEqual([values[0].outcome.entityId]);
  });

  it('matches a record without a name on its identifier and birth date (HIGH)', async () => {
    const tenant = testTenant('er-nameless');
    const nid = [{ scheme: 'nid', value: '8812-4471' }];
    const birth = [{ type: 'birth' as const, value: '1962-04-17' }];
    await applyEvent(
      driver,
      envelopeFor(tenant, 'k1', personRecord({ names: ['Lynn Conway'], identifiers: nid, dates: birth })),
      defaultErConfig,
      defaultModel,
    );
    const { outcome } = await applyEvent(
      driver,
      envelopeFor(tenant, 'k2', personRecord({ names: [], identifiers: nid, dates: birth })),
      defaultErConfig,
      defaultModel,
    );
    expect(outcome).toMatchObject({ band: 'HIGH', candidateId: entityIdFor('ev-k1') });
    expect(outcome.explanation?.waterfall.find((w) => w.comparison === 'name')?.level).toBe('missing');
    expect(await liveIds(tenant)).toEqual([entityIdFor('ev-k1')]);
  });

  it('resolves the same person sent eight times at once to one entity (events with shared keys wait for each other)', async () => {
    const tenant = testTenant('er-race');
    const record = () =>
      personRecord({
        names: ['Radia Perlman'],
        identifiers: [{ scheme: 'nid', value: '5517-2290' }],
        dates: [{ type: 'birth', value: '1951-12-18' }],
      });
    const envelopes = Array.from({ length: 8 }, (_, i) => envelopeFor(tenant, `k${i}`, record()));

    // Act: eight transactions at once, none of which can see another's entity before it commits.
    const outcomes = await Promise.all(envelopes.map((e) => applyEvent(driver, e, defaultErConfig, defaultModel)));

    // Assess
    const bands = outcomes.map((o) => o.outcome.band).sort();
    expect(bands).toEqual(['HIGH', 'HIGH', 'HIGH', 'HIGH', 'HIGH', 'HIGH', 'HIGH', 'LOW']);
    expect(await liveIds(tenant)).toHaveLength(1);
  });

  it('resolves near-duplicates sent at once (a typo in the name, identifier and date) to one entity', async () => {
    // Six people, each as two records that share no identifier, date or exact name, yet match at HIGH.
    const tenant = testTenant('er-race-typo');
    const people = ['Jon Smith', 'Ann Lee', 'Mark Stein', 'Kathryn Ray', 'Phillip Cole', 'Stefan Berg'];
    const variant = ['John Smith', 'Anne Lee', 'Marc Stein', 'Katherine Ray', 'Philip Cole', 'Stephan Berg'];
    const pairs = people.map((name, i) => [
      envelopeFor(
        tenant,
        `a${i}`,
        personRecord({
          names: [name],
          identifiers: [{ scheme: 'nid', value: `1234${i}` }],
          dates: [{ type: 'birth', value: `198${i}-02-03` }],
        }),
      ),
      envelopeFor(
        tenant,
        `b${i}`,
        personRecord({
          names: [variant[i]!],
          identifiers: [{ scheme: 'nid', value: `1234${i + 1}` }],
          dates: [{ type: 'birth', value: `198${i}-02-08` }],
        }),
      ),
    ]);
    const expected = decide(
      comparableOfRecord(normaliseRecord(pairs[0]![0]!.record), {}),
      'PERSON',
      [
        {
          id: 'x',
          kind: 'PERSON',
          names: ['John Smith'],
          identifiers: ['nid:12341'],
          attributes: { dates: { birth: '1980-02-08' } },
          sources: [],
        },
      ],
      defaultModel,
    );
    expect(expected.band).toBe('HIGH');

    // Act: both records of every person at once, each in its own transaction.
    await Promise.all(pairs.flat().map((e) => applyEvent(driver, e, defaultErConfig, defaultModel)));

    // Assess
    expect(await liveIds(tenant)).toHaveLength(people.length);
  });

  it('scores a tenant with its stored, active model (its bands, its version) and leaves other tenants on the default', async () => {
    const tenant = testTenant('er-model');
    const other = testTenant('er-model');
    // A tenant whose trained model trusts names more: the same name alone is enough to merge.
    const trusting = { ...defaultModel, bands: { high: 0.8, mid: 0.5 } };
    const saved = await saveModel(driver, tenant, trusting, {
      kind: 'PERSON',
      activate: true,
      summary: { records: 2 },
    });
    expect(saved.active).toBe(true);
    expect(saved.version).not.toBe(defaultModel.version);
    const models = storedModels(driver);
    const run = async (t: string, key: string) =>
      (
        await applyEvents(
          driver,
          [{ envelope: envelopeFor(t, key, personRecord({ names: ['Frances Allen'] })) }],
          defaultErConfig,
          models,
        )
      )[0];

    for (const t of [tenant, other]) await run(t, 'k1');
    const mine = await run(tenant, 'k2');
    const theirs = await run(other, 'k2');

    expect(mine).toMatchObject({
      status: 'fulfilled',
      value: { outcome: { band: 'HIGH', modelVersion: saved.version } },
    });
    expect(theirs).toMatchObject({
      status: 'fulfilled',
      value: { outcome: { band: 'MID', modelVersion: defaultModel.version } },
    });
    expect((await listModels(driver, tenant)).map((m) => [m.version, m.kind, m.active])).toEqual([
      [saved.version, 'PERSON', true],
    ]);
    // A model is trained on one kind: the tenant's organisations are still scored with the default.
    expect((await models.modelFor(tenant, 'ORGANISATION')).version).toBe(defaultModel.version);
  });

  it('re-clusters a tenant after a model change: a dry run changes nothing, the run merges and splits, a rerun finds nothing', async () => {
    // Prepare: name-only duplicates (MID under the default model) and an automatic merge on name + passport (HIGH).
    const tenant = testTenant('er-recluster');
    const models = storedModels(driver, { ttlMs: 0 });
    const passport = [{ scheme: 'passport', value: 'P-12345678' }];
    const events = [
      envelopeFor(tenant, 'a1', personRecord({ names: ['Frances Allen'] })),
      envelopeFor(tenant, 'a2', personRecord({ names: ['Frances Allen'] })),
      envelopeFor(tenant, 'b1', personRecord({ names: ['Ken Thompson'], identifiers: passport })),
      envelopeFor(tenant, 'b2', personRecord({ names: ['Ken Thompson'], identifiers: passport })),
    ];
    for (const envelope of events) await applyEvents(driver, [{ envelope }], defaultErConfig, models);
    expect(await liveIds(tenant)).toHaveLength(3);
    // A model that merges on a name alone and no longer trusts a name and passport (both bands moved up).
    const changed = { ...defaultModel, prior: 0.5, bands: { high: 0.999999999, mid: 0.99999999 } };
    changed.comparisons = {
      ...defaultModel.comparisons,
      identifier: { ...defaultModel.comparisons.identifier!, exact: { m: 0.001, u: 0.5 } },
      name: { ...defaultModel.comparisons.name!, exact: { m: 0.6, u: 0.0000000001 } },
    };
    await saveModel(driver, tenant, changed, { kind: 'PERSON', activate: true });
    const model = await models.modelFor(tenant, 'PERSON');

    // Act: a dry run is a plan.
    const plan = planRecluster(await readTenantSnapshot(driver, tenant), model);

    // Assess
    expect(plan.modelVersion).toBe(model.version);
    expect(plan.merges.map((m) => [m.survivorId, m.mergedId].sort())).toEqual([
      [entityIdFor('ev-a1'), entityIdFor('ev-a2')].sort(),
    ]);
    expect(plan.splits.map((x) => x.mergedId)).toEqual([entityIdFor('ev-b2')]);
    expect(plan.closes).toEqual([expect.objectContaining({ status: 'MERGED' })]);
    expect(await liveIds(tenant)).toHaveLength(3);

    const result = await applyRecluster(driver, tenant, plan);
    expect(result).toMatchObject({ skipped: [], reviewsClosed: 1 });
    expect(result.merged).toHaveLength(1);
    expect(result.split).toHaveLength(1);
    const live = await liveIds(tenant);
    expect(live).toHaveLength(3);
    expect(live).toEqual(expect.arrayContaining([entityIdFor('ev-b1'), entityIdFor('ev-b2')]));
    const { records } = await driver.executeQuery(
      'MATCH (r:ReviewCandidate {tenant: $tenant}) RETURN r.status AS status, r.closedModelVersion AS v',
      { tenant },
    );
    expect(records.map((r) => [r.get('status'), r.get('v')])).toEqual([['MERGED', model.version]]);

    const again = planRecluster(await readTenantSnapshot(driver, tenant), model);
    expect([again.merges.length, again.splits.length, again.closes.length]).toEqual([0, 0, 0]);
  });

  it('trains a tenant model on its own records and stores it active, versioned by its parameters', async () => {
    const tenant = testTenant('er-train');
    const models = storedModels(driver, { ttlMs: 0 });
    const people = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'];
    const work = people.flatMap((name, i) =>
      [0, 1].map((copy) => ({
        envelope: envelopeFor(
          tenant,
          `p${i}-${copy}`,
          personRecord({
            names: [copy ? name.toUpperCase() : name],
            dates: [{ type: 'birth', value: `19${40 + i}-0${1 + copy}-1${i}` }],
            identifiers: [{ scheme: 'nid', value: `${7000 + i}${copy ? 13 : 12}99` }],
          }),
        ),
      })),
    );
    await applyEvents(driver, work, defaultErConfig, models);

    const trained = await trainTenant(driver, tenant, { seed: 3 });

    expect(trained.kind).toBe('PERSON');
    expect(trained.stats.records).toBe(12);
    expect(trained.stats.sessions.map((x) => x.rule)).toEqual(['name', 'identifier', 'date']);
    expect(trained.saved).toEqual({ version: trained.model.version, active: true });
    expect(trained.model.version).not.toBe(defaultModel.version);
    expect((await models.modelFor(tenant, 'PERSON')).version).toBe(trained.model.version);
  });
});
