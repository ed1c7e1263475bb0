import { describe, expect, it } from 'vitest';
import { testTenant } from '../../../infra/local/test-support/twin.js';
import { graphOnTwin } from '../../../infra/local/test-support/twin-graph.js';
import { upsertEntityTx } from './entity-writes.js';
import { migrate } from './migrations.js';
import { dumpTenant, entityInput, linkInput } from './test-support/fixtures.js';

const g = graphOnTwin();

/** A chain a - b - c - d - e of KNOWS, plus a - x WORKS_FOR. */
async function chain(tenant: string) {
  const ids: Record<string, string> = {};
  for (const n of ['a', 'b', 'c', 'd', 'e', 'x']) {
    ids[n] = (await g.repo.upsertEntity(tenant, entityInput({ id: `id-${n}`, names: [`Person ${n}`] }))).value.id;
  }
  for (const [f, t] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
  ] as const) {
    await g.repo.linkEntities(tenant, linkInput(ids[f]!, ids[t]!));
  }
  await g.repo.linkEntities(tenant, linkInput(ids.a!, ids.x!, { type: 'WORKS_FOR', confidence: 0.8 }));
  return ids;
}

describe('Neo4jGraphRepository', () => {
  it('creates an entity with a new id, reads it back and returns bookmarks', async () => {
    const tenant = testTenant('graph');
    const created = await g.repo.upsertEntity(
      tenant,
      entityInput({ attributes: { born: 1815 }, identifiers: ['orcid:1'] }),
    );

    expect(created.bookmarks.length).toBeGreaterThan(0);
    expect(created.touched).toEqual([created.value.id]);
    const read = await g.repo.getEntity(tenant, created.value.id, { bookmarks: created.bookmarks });
    expect(read).toEqual(created.value);
    expect(read).toMatchObject({ names: ['Ada Lovelace'], attributes: { born: 1815 }, identifiers: ['orcid:1'] });
  });

  it('updates an entity by id and keeps attributes that the update leaves out', async () => {
    const tenant = testTenant('graph');
    const first = await g.repo.upsertEntity(tenant, entityInput({ id: 'ada', attributes: { born: 1815 } }));
    const second = await g.repo.upsertEntity(tenant, entityInput({ id: 'ada', names: ['Augusta Ada King'] }));

    expect(second.value).toMatchObject({ id: 'ada', names: ['Augusta Ada King'], attributes: { born: 1815 } });
    expect(second.value.createdAt).toBe(first.value.createdAt);
  });

  it('decides freshness in the write itself when no rule or guard reads the stored state', async () => {
    const tenant = testTenant('graph');
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString();
    const write = async (input: ReturnType<typeof entityInput>, now: number, expiry?: () => number) => {
      const session = g.driver.session();
      try {
        return await session.executeWrite((tx) =>
          upsertEntityTx(tx, tenant, input, { now, ...(expiry ? { expiry } : {}) }),
        );
      } finally {
        await session.close();
      }
    };
    const expiresAt = async () => {
      const props = (await dumpTenant(g.driver, tenant)).nodes[0]![1] as [string, string, unknown][];
      return props.find(([k]) => k === 'expiresAt')?.[2] ?? null;
    };
    await write(entityInput({ id: 'ada', attributes: { born: 1815 } }), t0, () => t0 + 1_000);

    // Live: an update keeps its creation time, its expiry and what it leaves out.
    const kept = await write(entityInput({ id: 'ada', names: ['Ada King'] }), t0 + 500);
    expect(kept).toMatchObject({ names: ['Ada King'], attributes: { born: 1815 }, createdAt: at(t0) });
    expect(Number(await expiresAt())).toBe(t0 + 1_000);

    // Expired: collected anew — creation time restarts, old data and expiry are gone.
    const anew = await write(entityInput({ id: 'ada', names: ['Ada Anew'] }), t0 + 2_000);
    expect(anew).toMatchObject({ names: ['Ada Anew'], attributes: {}, createdAt: at(t0 + 2_000) });
    expect(await expiresAt()).toBeNull();
  });

  it('returns null for an unknown entity', async () => {
    expect(await g.repo.getEntity(testTenant('graph'), 'nobody')).toBeNull();
  });

  it('links two entities and refuses a link to a missing one with NOT_FOUND', async () => {
    const tenant = testTenant('graph');
    const a = (await g.repo.upsertEntity(tenant, entityInput())).value.id;
    const b = (await g.repo.upsertEntity(tenant, entityInput())).value.id;
    const since = '2020-01-01T00:00:00.000Z';
    const rel = await g.repo.linkEntities(tenant, linkInput(a, b, { properties: { role: 'mentor' }, since }));

    expect(rel.value).toMatchObject({ from: a, to: b, type: 'KNOWS', properties: { role: 'mentor' }, since });
    expect(rel.touched).toEqual([a, b]);
    await expect(g.repo.linkEntities(tenant, linkInput(a, 'ghost'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('returns neighbors within 1, 2 and 3 hops with the relationships among them', async () => {
    const tenant = testTenant('graph');
    const ids = await chain(tenant);
    const ids1 = (await g.repo.neighbors(tenant, { id: ids.a!, hops: 1, limit: 10 }))!;
    const ids3 = (await g.repo.neighbors(tenant, { id: ids.a!, hops: 3, limit: 10 }))!;

    expect(ids1.entities.map((e) => e.id).sort()).toEqual([ids.b, ids.x].sort());
    expect(ids1.relationships).toHaveLength(2);
    expect(ids3.entities.map((e) => e.id).sort()).toEqual([ids.b, ids.c, ids.d, ids.x].sort());
    expect(ids3.relationships).toHaveLength(4);
    expect(ids3).toMatchObject({ hops: 3, center: { id: ids.a } });
  });

  it('returns each neighbour as getEntity does, less the identifiers no client can select', async () => {
    const tenant = testTenant('graph');
    const a = (await g.repo.upsertEntity(tenant, entityInput({ attributes: { born: 1815 }, identifiers: ['orcid:1'] })))
      .value;
    const b = (await g.repo.upsertEntity(tenant, entityInput({ names: ['Babbage'], identifiers: ['orcid:2'] }))).value;
    await g.repo.linkEntities(tenant, linkInput(a.id, b.id));

    const n = (await g.repo.neighbors(tenant, { id: a.id, hops: 1, limit: 10 }))!;
    const { identifiers: _a, ...centre } = a;
    const { identifiers: _b, ...neighbour } = b;
    expect(n.center).toEqual(centre);
    expect(n.entities).toEqual([neighbour]);
  });

  it('follows only the requested relationship types', async () => {
    const tenant = testTenant('graph');
    const ids = await chain(tenant);
    const n = (await g.repo.neighbors(tenant, { id: ids.a!, hops: 2, relTypes: ['WORKS_FOR'], limit: 10 }))!;

    expect(n.entities.map((e) => e.id)).toEqual([ids.x]);
    expect(n.relationships.map((r) => r.type)).toEqual(['WORKS_FOR']);
  });

  it('fails with RESULT_TOO_LARGE instead of truncating when neighbors exceed the limit', async () => {
    const tenant = testTenant('graph');
    const ids = await chain(tenant);

    await expect(g.repo.neighbors(tenant, { id: ids.a!, hops: 3, limit: 3 })).rejects.toMatchObject({
      code: 'RESULT_TOO_LARGE',
    });
    expect((await g.repo.neighbors(tenant, { id: ids.a!, hops: 3, limit: 4 }))!.entities).toHaveLength(4);
  });

  it('fails with RESULT_TOO_LARGE when the serialized neighborhood exceeds the payload cap', async () => {
    const tenant = testTenant('graph');
    const hub = (await g.repo.upsertEntity(tenant, entityInput({ id: 'hub' }))).value.id;
    // 80 neighbors of ~30 KB each: within the row limit, over the 2 MiB payload cap.
    await g.driver.executeQuery(
      `UNWIND range(1, 80) AS i
       MATCH (h:Entity {tenant: $tenant, id: $hub})
       CREATE (h)-[:KNOWS {tenant: $tenant, id: 'r' + i, properties: '{}', createdAt: 0}]->(:Entity {tenant: $tenant,
         id: 'n' + i, kind: 'PERSON', names: ['N'], attributes: $big, sources: '[]', dataClass: 'PII',
         licence: 'PUBLIC', createdAt: 0, updatedAt: 0})`,
      { tenant, hub, big: JSON.stringify({ blob: 'x'.repeat(30_000) }) },
    );

    await expect(g.repo.neighbors(tenant, { id: hub, hops: 1, limit: 100 })).rejects.toMatchObject({
      code: 'RESULT_TOO_LARGE',
      context: { measure: 'bytes' },
    });
  });

  it('returns null neighbors for an unknown center', async () => {
    expect(await g.repo.neighbors(testTenant('graph'), { id: 'nobody', hops: 1, limit: 5 })).toBeNull();
  });

  it('rejects hops and maxHops outside 1..3 and oversized limits with INVALID_INPUT', async () => {
    const tenant = testTenant('graph');
    await expect(g.repo.neighbors(tenant, { id: 'a', hops: 4, limit: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(g.repo.neighbors(tenant, { id: 'a', hops: 0, limit: 5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(g.repo.neighbors(tenant, { id: 'a', hops: 1, limit: 501 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(g.repo.path(tenant, { from: 'a', to: 'b', maxHops: 4 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(g.repo.search(tenant, { text: '!!!', limit: 5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('finds entities by name through diacritics, typos and the kind filter', async () => {
    const tenant = testTenant('graph');
    const person = await g.repo.upsertEntity(tenant, entityInput({ names: ['Jürgen Müller'] }));
    const org = await g.repo.upsertEntity(tenant, entityInput({ kind: 'ORGANISATION', names: ['Müller Logistics'] }));
    const hits = await g.repo.search(tenant, { text: 'jurgen muller', limit: 10 }, { bookmarks: org.bookmarks });

    expect(hits[0]!.entity.id).toBe(person.value.id);
    expect(hits.map((h) => h.entity.id)).toContain(org.value.id);
    const typo = await g.repo.search(tenant, { text: 'Jurgen Mueler', limit: 10 });
    expect(typo.map((h) => h.entity.id)).toContain(person.value.id);
    const orgsOnly = await g.repo.search(tenant, { text: 'muller', kinds: ['ORGANISATION'], limit: 10 });
    expect(orgsOnly.map((h) => h.entity.id)).toEqual([org.value.id]);
  });

  it('finds the shortest path within maxHops, or null beyond it', async () => {
    const tenant = testTenant('graph');
    const ids = await chain(tenant);
    const path = (await g.repo.path(tenant, { from: ids.x!, to: ids.c!, maxHops: 3 }))!;

    expect(path.length).toBe(3);
    expect(path.entities.map((e) => e.id)).toEqual([ids.x, ids.a, ids.b, ids.c]);
    expect(path.relationships.map((r) => r.type)).toEqual(['WORKS_FOR', 'KNOWS', 'KNOWS']);
    expect(await g.repo.path(tenant, { from: ids.x!, to: ids.c!, maxHops: 2 })).toBeNull();
    expect(await g.repo.path(tenant, { from: ids.a!, to: ids.e!, maxHops: 3 })).toBeNull();
    expect(await g.repo.path(tenant, { from: ids.a!, to: ids.a!, maxHops: 1 })).toMatchObject({ length: 0 });
  });

  it('is idempotent to migrate again', async () => {
    await expect(migrate(g.driver)).resolves.toBeUndefined();
  });
});
