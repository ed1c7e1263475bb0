import { describe, expect, it } from 'vitest';
import { testTenant } from '../../../infra/local/test-support/twin.js';
import { graphOnTwin } from '../../../infra/local/test-support/twin-graph.js';
import { entityInput, linkInput } from './test-support/fixtures.js';

const g = graphOnTwin();

/**
 * Tenant A: a1 - a2. Tenant B: b1 - b2, with the SAME ids and names as A, plus a relationship that someone wrongly
 * created (outside the repository) from a1 to b2, and one from b1 to a2 carrying tenant B.
 */
async function twoTenants() {
  const a = testTenant('iso-a');
  const b = testTenant('iso-b');
  for (const t of [a, b]) {
    await g.repo.upsertEntity(t, entityInput({ id: 'p1', names: [`Shared Name ${t}`] }));
    await g.repo.upsertEntity(t, entityInput({ id: 'p2', names: ['Shared Name'] }));
    await g.repo.linkEntities(t, linkInput('p1', 'p2'));
  }
  await g.repo.upsertEntity(b, entityInput({ id: 'only-b', names: ['Only Bee'] }));
  await g.repo.linkEntities(b, linkInput('p2', 'only-b'));
  await g.driver.executeQuery(
    `MATCH (x:Entity {tenant: $a, id: 'p1'}), (y:Entity {tenant: $b, id: 'only-b'})
     CREATE (x)-[:KNOWS {tenant: $a, id: 'leak-1', properties: '{}', createdAt: 0}]->(y)
     CREATE (y)-[:KNOWS {tenant: $b, id: 'leak-2', properties: '{}', createdAt: 0}]->(x)`,
    { a, b },
  );
  return { a, b };
}

const tenantsOf = (value: unknown) => JSON.stringify(value);

describe('tenant isolation', () => {
  it('never returns another tenant’s entity by id', async () => {
    const { a, b } = await twoTenants();
    expect(await g.repo.getEntity(a, 'only-b')).toBeNull();
    expect((await g.repo.getEntity(a, 'p1'))!.names).toEqual([`Shared Name ${a}`]);
    expect((await g.repo.getEntity(b, 'p1'))!.names).toEqual([`Shared Name ${b}`]);
  });

  it('never follows a relationship into another tenant in neighbors, at any hop count', async () => {
    const { a, b } = await twoTenants();
    for (const hops of [1, 2, 3]) {
      const n = (await g.repo.neighbors(a, { id: 'p1', hops, limit: 50 }))!;
      expect(n.entities.map((e) => e.id)).toEqual(['p2']);
      expect(n.relationships.map((r) => r.id)).not.toContain('leak-1');
      expect(tenantsOf(n)).not.toContain(b);
    }
    const fromB = (await g.repo.neighbors(b, { id: 'only-b', hops: 3, limit: 50 }))!;
    expect(fromB.entities.map((e) => e.id).sort()).toEqual(['p1', 'p2']);
    expect(tenantsOf(fromB)).not.toContain(a);
  });

  it('never builds a path through another tenant', async () => {
    const { a, b } = await twoTenants();
    expect(await g.repo.path(a, { from: 'p1', to: 'only-b', maxHops: 3 })).toBeNull();
    expect(await g.repo.path(b, { from: 'only-b', to: 'p1', maxHops: 1 })).toBeNull();
    const inB = (await g.repo.path(b, { from: 'only-b', to: 'p1', maxHops: 3 }))!;
    expect(inB.length).toBe(2);
    expect(tenantsOf(inB)).not.toContain(a);
  });

  it('never returns another tenant’s entities from search', async () => {
    const { a, b } = await twoTenants();
    const hits = await g.repo.search(a, { text: 'shared name only bee', limit: 50 });
    expect(hits.map((h) => h.entity.id).sort()).toEqual(['p1', 'p2']);
    expect(tenantsOf(hits)).not.toContain(b);
  });

  it('cannot link, merge or update across tenants', async () => {
    const { a, b } = await twoTenants();
    await expect(g.repo.linkEntities(a, linkInput('p1', 'only-b'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(g.repo.mergeEntity(a, { survivorId: 'p1', mergedId: 'only-b', actor: 't' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // An upsert with B's id in tenant A creates A's own entity; B's is untouched.
    await g.repo.upsertEntity(a, entityInput({ id: 'only-b', names: ['Mine'] }));
    expect((await g.repo.getEntity(b, 'only-b'))!.names).toEqual(['Only Bee']);
  });

  it('does not move a wrongly cross-tenant relationship when merging', async () => {
    const { a, b } = await twoTenants();
    const merged = await g.repo.mergeEntity(a, { survivorId: 'p2', mergedId: 'p1', actor: 't' });
    expect(merged.value.movedRelationships).toBe(0);
    expect(merged.touched).not.toContain('only-b');
    const { records } = await g.driver.executeQuery(
      "MATCH (:Entity {tenant: $b, id: 'only-b'})-[r]-() WHERE r.id IN ['leak-1', 'leak-2'] RETURN count(r) AS n",
      { b },
    );
    expect(records[0]!.get('n').toNumber()).toBe(2);
  });
});
