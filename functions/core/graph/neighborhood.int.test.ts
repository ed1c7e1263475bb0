import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { testTenant } from '../../../infra/local/test-support/twin.js';
import { graphOnTwin } from '../../../infra/local/test-support/twin-graph.js';
import { allRelTypes, denseOutDegree, live } from './cypher/reads.js';
import type { RelType } from './types.js';

const g = graphOnTwin();

/**
 * The straightforward neighbourhood the repository must match: members by the same walk, then every relationship
 * whose two endpoints are members, looked up by id on both sides (what the read did before it avoided hub adjacency).
 */
async function reference(tenant: string, id: string, hops: 1 | 2 | 3, relTypes: readonly RelType[], limit: number) {
  const now = neo4j.int(Date.now());
  const members = await g.driver.executeQuery(
    `MATCH (c:Entity {tenant: $tenant, id: $id}) WHERE ${live('c')}
     OPTIONAL MATCH p = (c)-[rs*1..${hops}]-(n:Entity)
     WHERE n <> c AND all(r IN rs WHERE r.tenant = $tenant AND type(r) IN $relTypes)
       AND all(x IN nodes(p) WHERE x.tenant = $tenant AND ${live('x')})
     RETURN c.id AS center, collect(DISTINCT n.id) AS ids`,
    { tenant, id, relTypes, now },
  );
  const row = members.records[0];
  if (!row) return null;
  const ids = row.get('ids') as string[];
  if (ids.length > limit) return 'RESULT_TOO_LARGE';
  const rels = await g.driver.executeQuery(
    `MATCH (a:Entity {tenant: $tenant})-[r]->(b:Entity {tenant: $tenant})
     WHERE a.id IN $ids AND b.id IN $ids AND r.tenant = $tenant AND type(r) IN $relTypes AND ${live('a')} AND ${live('b')}
     RETURN type(r) + ' ' + a.id + '->' + b.id + ' ' + r.id AS rel`,
    { tenant, ids: [id, ...ids], relTypes, now },
  );
  return { entities: ids.sort(), relationships: rels.records.map((r) => r.get('rel') as string).sort() };
}

async function actual(tenant: string, id: string, hops: 1 | 2 | 3, relTypes: readonly RelType[], limit: number) {
  try {
    const n = await g.repo.neighbors(tenant, { id, hops, relTypes: [...relTypes], limit });
    if (!n) return null;
    return {
      entities: n.entities.map((e) => e.id).sort(),
      relationships: n.relationships.map((r) => `${r.type} ${r.from}->${r.to} ${r.id}`).sort(),
    };
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/**
 * A small core around `c` with two hubs on its second ring: `in-hub` (1,200 relationships into it) and `out-hub`
 * (more outgoing relationships than `denseOutDegree`), linked to each other and to `l1` (closing relationships between
 * second-ring members), plus an expired member, a merged one and a relationship planted across tenants.
 */
async function hubGraph(tenant: string) {
  const entity = `{tenant: $tenant, id: id, kind: 'PERSON', names: [id], attributes: '{}', sources: '[]',
    dataClass: 'PII', licence: 'PUBLIC', createdAt: 0, updatedAt: 0}`;
  await g.driver.executeQuery(
    `UNWIND ['c', 'a1', 'a2', 'l1', 'in-hub', 'out-hub', 'gone', 'merged'] AS id CREATE (:Entity ${entity})`,
    { tenant },
  );
  await g.driver.executeQuery(
    `MATCH (g:Entity {tenant: $tenant, id: 'gone'}) SET g.expiresAt = 1
     WITH 1 AS one MATCH (m:Entity {tenant: $tenant, id: 'merged'}) SET m.mergedInto = 'c'`,
    { tenant },
  );
  const links: [string, RelType, string][] = [
    ['c', 'KNOWS', 'a1'],
    ['c', 'WORKS_FOR', 'a2'],
    ['a1', 'KNOWS', 'in-hub'],
    ['a1', 'KNOWS', 'l1'],
    ['out-hub', 'KNOWS', 'a2'],
    ['out-hub', 'KNOWS', 'in-hub'],
    ['in-hub', 'WORKS_FOR', 'out-hub'],
    ['l1', 'KNOWS', 'in-hub'],
    ['out-hub', 'KNOWS', 'l1'],
    ['l1', 'KNOWS', 'l1'],
    ['a2', 'KNOWS', 'gone'],
    ['gone', 'KNOWS', 'l1'],
    ['a1', 'KNOWS', 'merged'],
    ['merged', 'KNOWS', 'a2'],
  ];
  await g.driver.executeQuery(
    `UNWIND $links AS l
     MATCH (a:Entity {tenant: $tenant, id: l[0]}), (b:Entity {tenant: $tenant, id: l[2]})
     CALL (a, b, l) {
       WITH a, b, l WHERE l[1] = 'KNOWS' CREATE (a)-[:KNOWS {tenant: $tenant, id: l[0] + '-' + l[2], properties: '{}', createdAt: 0}]->(b)
       UNION
       WITH a, b, l WHERE l[1] = 'WORKS_FOR' CREATE (a)-[:WORKS_FOR {tenant: $tenant, id: l[0] + '-' + l[2], properties: '{}', createdAt: 0}]->(b)
     }`,
    { tenant, links },
  );
  // Another tenant's relationship between two of ours must never be followed nor returned.
  await g.driver.executeQuery(
    `MATCH (a:Entity {tenant: $tenant, id: 'a2'}), (b:Entity {tenant: $tenant, id: 'l1'})
     CREATE (a)-[:KNOWS {tenant: 'someone-else', id: 'foreign', properties: '{}', createdAt: 0}]->(b)`,
    { tenant },
  );
  await g.driver.executeQuery(
    `MATCH (h:Entity {tenant: $tenant, id: 'in-hub'})
     UNWIND range(1, 1200) AS i
     CREATE (:Entity ${entity.replaceAll('id: id', "id: 'in' + i").replace('names: [id]', "names: ['in' + i]")})
       -[:KNOWS {tenant: $tenant, id: 'in' + i, properties: '{}', createdAt: 0}]->(h)`,
    { tenant },
  );
  await g.driver.executeQuery(
    `MATCH (h:Entity {tenant: $tenant, id: 'out-hub'})
     UNWIND range(1, $n) AS i
     CREATE (h)-[:KNOWS {tenant: $tenant, id: 'out' + i, properties: '{}', createdAt: 0}]->
       (:Entity ${entity.replaceAll('id: id', "id: 'out' + i").replace('names: [id]', "names: ['out' + i]")})`,
    { tenant, n: neo4j.int(denseOutDegree + 100) },
  );
}

describe('neighborhood read', () => {
  it('returns the same members and relationships as the straightforward reference, hubs included', async () => {
    const tenant = testTenant('hood');
    await hubGraph(tenant);
    const cases: [string, 1 | 2 | 3, readonly RelType[]][] = [];
    for (const id of ['c', 'a1', 'a2', 'l1', 'in-hub', 'out-hub', 'in7', 'out7', 'gone', 'nobody']) {
      for (const hops of [1, 2, 3] as const) {
        cases.push([id, hops, allRelTypes], [id, hops, ['KNOWS']]);
      }
    }

    const compared = [];
    for (const [id, hops, relTypes] of cases) {
      compared.push({
        id,
        hops,
        relTypes,
        actual: await actual(tenant, id, hops, relTypes, 500),
        expected: await reference(tenant, id, hops, relTypes, 500),
      });
    }

    for (const c of compared) expect(c.actual, `${c.id} ${c.hops} hops ${c.relTypes}`).toEqual(c.expected);
    // The cases reach what they are meant to: hub-to-hub closing relationships and refusals over the limit.
    const c2 = compared.find((c) => c.id === 'c' && c.hops === 2 && c.relTypes === allRelTypes)!.actual;
    expect(c2).toMatchObject({
      entities: ['a1', 'a2', 'in-hub', 'l1', 'out-hub'],
      relationships: expect.arrayContaining([
        'KNOWS out-hub->in-hub out-hub-in-hub',
        'WORKS_FOR in-hub->out-hub in-hub-out-hub',
      ]),
    });
    expect(compared.filter((c) => c.actual === 'RESULT_TOO_LARGE').length).toBeGreaterThan(0);
  });
});
