import { describe, expect, it } from 'vitest';
import { testTenant } from '../../../infra/local/test-support/twin.js';
import { graphOnTwin } from '../../../infra/local/test-support/twin-graph.js';
import { EntityUpserts, upsertEntityTx } from '../graph/entity-writes.js';
import { entityInput } from '../graph/test-support/fixtures.js';
import { lockAndMarkEventsTx } from './applied-marker.js';
import { blockingCandidatesOfTx, blockingCandidatesTx, liveCandidatesTx } from './blocking.js';

const g = graphOnTwin();

describe('ER graph building blocks', () => {
  it('lets a read sent after an unanswered write in the same transaction see it, and holds each id once', async () => {
    const tenant = testTenant('order');
    const session = g.driver.session();
    try {
      const seen = await session.executeWrite(async (tx) => {
        const held = new EntityUpserts(tenant);
        held.add({ ...entityInput({ names: ['Ordered'] }), id: 'o1', identifiers: [], attributes: {}, sources: [] });
        expect(() => held.add({ ...entityInput(), id: 'o1' })).toThrow(/already held/);
        const sent = held.send(tx); // not awaited: the read below is sent after it
        const read = await liveCandidatesTx(tx, tenant, ['o1'], []);
        await sent;
        return read;
      });

      expect(seen.map((c) => c.id)).toEqual(['o1']);
    } finally {
      await session.close();
    }
  });

  it('writes held entities in one statement and gives each back as a read of it would; a merged one is a CONFLICT', async () => {
    // Prepare: an entity merged into another (a write to it must be refused).
    const tenant = testTenant('upserts');
    await g.repo.upsertEntity(tenant, entityInput({ id: 'kept', names: ['Kept'] }));
    await g.repo.upsertEntity(tenant, entityInput({ id: 'gone', names: ['Gone'] }));
    await g.repo.mergeEntity(tenant, { survivorId: 'kept', mergedId: 'gone', reason: 'same', actor: 'al' });
    const session = g.driver.session();
    try {
      // Act: two entities held and sent as one statement; then a write to the merged one.
      const given = await session.executeWrite(async (tx) => {
        const held = new EntityUpserts(tenant);
        const a = held.add({
          ...entityInput({ names: [' Ada Lovelace '], identifiers: ['passport:P-1'] }),
          id: 'a',
          attributes: { born: 1815, nested: { list: [1, 'two', null] } },
          sources: [{ system: 'crm', recordId: '1', retrievedAt: null }],
        });
        const b = held.add({
          ...entityInput({ names: ['Bo'] }),
          id: 'b',
          identifiers: [],
          attributes: {},
          sources: [],
        });
        const partial = held.add({ ...entityInput({ names: ['Cy'] }), id: 'c' });
        await held.send(tx);
        return { a, b, partial };
      });
      const read = await session.executeRead((tx) => liveCandidatesTx(tx, tenant, ['a', 'b', 'c'], []));
      const refused = session.executeWrite(async (tx) => {
        const held = new EntityUpserts(tenant);
        held.add({ ...entityInput(), id: 'fresh-one' });
        held.add({ ...entityInput({ names: ['Gone again'] }), id: 'gone' });
        await held.send(tx);
      });

      // Assess: what the write gave back is what the graph holds; one that keeps stored parts is unknown (null).
      expect(read).toEqual([given.a, given.b, expect.objectContaining({ id: 'c', names: ['Cy'] })]);
      expect(given.partial).toBeNull();
      await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
      const { records } = await g.driver.executeQuery(
        "MATCH (e:Entity {tenant: $tenant, id: 'fresh-one'}) RETURN count(e) AS n",
        { tenant },
      );
      expect(records[0]!.get('n').toNumber()).toBe(0);
    } finally {
      await session.close();
    }
  });

  it('applies an event exactly once when the marker runs in the same transaction as the write', async () => {
    const tenant = testTenant('tx');
    const apply = async () => {
      const session = g.driver.session();
      try {
        return await session.executeWrite(async (tx) => {
          const [mark] = await lockAndMarkEventsTx(tx, tenant, [], [{ eventId: 'evt-1', recordHash: 'h1' }]);
          if (mark !== 'fresh') return 'duplicate';
          await upsertEntityTx(tx, tenant, entityInput({ names: ['Once'] }));
          return 'applied';
        });
      } finally {
        await session.close();
      }
    };

    const outcomes = await Promise.all([apply(), apply(), apply()]);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    const { records } = await g.driver.executeQuery('MATCH (e:Entity {tenant: $tenant}) RETURN count(e) AS n', {
      tenant,
    });
    expect(records[0]!.get('n').toNumber()).toBe(1);
  });

  it('keeps the record hash on the marker: the same record is applied, another conflicts, a hashless marker is unknown', async () => {
    // Prepare: one event marked with its record's hash, one marked as markers were before they kept a hash.
    const tenant = testTenant('tx-hash');
    const mark = async (marks: { eventId: string; recordHash: string }[]) => {
      const session = g.driver.session();
      try {
        return await session.executeWrite((tx) => lockAndMarkEventsTx(tx, tenant, [3], marks));
      } finally {
        await session.close();
      }
    };
    expect(await mark([{ eventId: 'evt-1', recordHash: 'h1' }])).toEqual(['fresh']);
    await g.driver.executeQuery(
      'CREATE (:AppliedEvent {tenant: $tenant, eventId: $eventId, appliedAt: 0, token: $eventId})',
      { tenant, eventId: 'evt-old' },
    );

    // Act: both again, with the same record and with another, and a new event twice in one list with two records.
    const found = await mark([
      { eventId: 'evt-1', recordHash: 'h1' },
      { eventId: 'evt-1', recordHash: 'h2' },
      { eventId: 'evt-old', recordHash: 'h2' },
      { eventId: 'evt-2', recordHash: 'h3' },
      { eventId: 'evt-2', recordHash: 'h4' },
    ]);

    // Assess
    expect(found).toEqual(['applied', 'conflict', 'applied', 'fresh', 'conflict']);
    const { records } = await g.driver.executeQuery(
      'MATCH (a:AppliedEvent {tenant: $tenant}) RETURN a.eventId AS id, a.recordHash AS h ORDER BY id',
      { tenant },
    );
    expect(records.map((r) => [r.get('id'), r.get('h')])).toEqual([
      ['evt-1', 'h1'],
      ['evt-2', 'h3'],
      ['evt-old', null],
    ]);
  });

  it('finds ER blocking candidates by shared name token or identifier within the tenant only', async () => {
    const tenant = testTenant('tx');
    const other = testTenant('tx');
    await g.repo.upsertEntity(tenant, entityInput({ id: 'x', names: ['Jürgen Müller'] }));
    await g.repo.upsertEntity(tenant, entityInput({ id: 'y', names: ['Someone Else'], identifiers: ['lei:ABC-1'] }));
    await g.repo.upsertEntity(other, entityInput({ id: 'z', names: ['Jurgen Muller'], identifiers: ['lei:ABC-1'] }));
    const session = g.driver.session();
    try {
      const found = await session.executeRead((tx) =>
        blockingCandidatesTx(tx, tenant, { tokens: ['muller'], identifiers: ['lei:ABC-1'], limit: 10 }),
      );
      expect(found.map((c) => c.entity.id).sort()).toEqual(['x', 'y']);
    } finally {
      await session.close();
    }
  });

  it("answers a group's blocking queries in one statement, each as if alone: its own keys, limit and rejected", async () => {
    // Prepare: three entities sharing the token 'rivera', one of them also an identifier.
    const tenant = testTenant('tx-batch');
    for (const [id, identifiers] of [
      ['r1', ['nid:771']],
      ['r2', []],
      ['r3', []],
    ] as const) {
      await g.repo.upsertEntity(
        tenant,
        entityInput({ id, names: [`Ana Rivera ${id}`], identifiers: [...identifiers] }),
      );
    }
    await g.repo.upsertEntity(tenant, entityInput({ id: 'k1', names: ['Kim Park'] }));
    const queries = [
      { tokens: ['rivera'], rejected: ['r2'] },
      { tokens: [], identifiers: [] },
      { tokens: ['park'] },
      { tokens: ['rivera'], identifiers: ['nid:771'], rejected: ['r3'] },
      { tokens: ['nobody'] },
    ];
    const session = g.driver.session();
    try {
      // Act
      const [together, alone] = await session.executeRead(async (tx) => [
        await blockingCandidatesOfTx(tx, tenant, queries, 2),
        await Promise.all(queries.map((q) => blockingCandidatesTx(tx, tenant, { ...q, limit: 2 }))),
      ]);

      // Assess: one answer per query, in order; rejected entities only left out of their own query's answer.
      const ids = (found: typeof together) => found.map((cs) => cs.map((c) => c.entity.id).sort());
      expect(ids(together)).toEqual([['r1', 'r3'], [], ['k1'], ['r1', 'r2'], []]);
      expect(ids(alone)).toEqual(ids(together));
      // The entity with the rare identifier as well ranks first in the fourth query.
      expect(together[3]![0]!.entity.id).toBe('r1');
    } finally {
      await session.close();
    }
  });
});
