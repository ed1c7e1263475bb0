import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';

type Origin = Awaited<ReturnType<typeof realOrigin>>;
let o: Origin;
beforeAll(async () => {
  o = await realOrigin();
});
afterAll(() => o.close());

async function gql(
  tenant: string,
  operation: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  const res = await o.yoga.fetch(await signedGraphqlRequest({ tenant, operation, variables, headers }));
  return {
    res,
    // biome-ignore lint/suspicious/noExplicitAny: shapes differ per operation; each test asserts the fields it reads.
    json: (await res.json()) as { data?: Record<string, any>; errors?: { extensions: { code: string } }[] },
  };
}

async function person(tenant: string, id: string, names: string[]) {
  const { json } = await gql(tenant, 'UpsertEntity', {
    input: { id, kind: 'PERSON', names, dataClass: 'ENTITY', licence: 'INTERNAL_ONLY' },
  });
  expect(json.errors).toBeUndefined();
  return json.data!.upsertEntity;
}

describe('origin over real Neo4j and the real Upstash cache', () => {
  it('runs every query and mutation of the manifest', async () => {
    const tenant = testTenant('ops');
    await person(tenant, 'a', ['Ada Lovelace']);
    await person(tenant, 'b', ['Charles Babbage']);
    await person(tenant, 'c', ['Ada King']);
    const link = await gql(tenant, 'LinkEntities', { input: { from: 'a', to: 'b', type: 'KNOWS', confidence: 0.9 } });
    await gql(tenant, 'LinkEntities', { input: { from: 'b', to: 'c', type: 'WORKS_FOR' } });

    const entity = await gql(tenant, 'GetEntity', { id: 'a' });
    const neighbors = await gql(tenant, 'Neighbors', { id: 'a', hops: 2 });
    const search = await gql(tenant, 'Search', { text: 'ada' });
    const path = await gql(tenant, 'Path', { from: 'a', to: 'c' });
    const merge = await gql(tenant, 'MergeEntity', { survivorId: 'a', mergedId: 'c', reason: 'same person' });
    const afterMerge = await gql(tenant, 'GetEntity', { id: 'c' });
    const unmerge = await gql(tenant, 'UnmergeEntity', { mergeId: merge.json.data!.mergeEntity.mergeId });
    const afterUnmerge = await gql(tenant, 'GetEntity', { id: 'c' });

    expect(link.json.data!.linkEntities).toMatchObject({ from: 'a', to: 'b', type: 'KNOWS', confidence: 0.9 });
    expect(entity.json.data!.entity.names).toEqual(['Ada Lovelace']);
    expect(neighbors.json.data!.neighbors.entities.map((e: { id: string }) => e.id).sort()).toEqual(['b', 'c']);
    expect(search.json.data!.search.map((h: { entity: { id: string } }) => h.entity.id).sort()).toEqual(['a', 'c']);
    expect(path.json.data!.path.length).toBe(2);
    expect(merge.json.data!.mergeEntity.survivor.names).toEqual(expect.arrayContaining(['Ada Lovelace', 'Ada King']));
    expect(afterMerge.json.data!.entity).toBeNull();
    expect(unmerge.json.data!.unmergeEntity.restored.map((e: { id: string }) => e.id).sort()).toEqual(['a', 'c']);
    expect(afterUnmerge.json.data!.entity.names).toEqual(['Ada King']);
  });

  it('serves the second identical read from the cache without touching Neo4j', async () => {
    const tenant = testTenant('hit');
    await person(tenant, 'p1', ['Grace Hopper']);
    o.repoCalls.length = 0;
    const first = await gql(tenant, 'GetEntity', { id: 'p1' });
    const second = await gql(tenant, 'GetEntity', { id: 'p1' });
    expect(second.json).toEqual(first.json);
    expect(o.repoCalls.filter((c) => c === 'getEntity')).toHaveLength(1);
  });

  it('a mutation invalidates exactly the affected entries of its tenant and no other tenant', async () => {
    const [t1, t2] = [testTenant('inv1'), testTenant('inv2')];
    for (const t of [t1, t2]) {
      await person(t, 'x', ['Xavier']);
      await person(t, 'y', ['Yolanda']);
    }
    for (const t of [t1, t2]) for (const id of ['x', 'y']) await gql(t, 'GetEntity', { id }); // warm 4 entries
    o.repoCalls.length = 0;

    await person(t1, 'x', ['Xavier Renamed']);
    const reads = [];
    for (const t of [t1, t2]) for (const id of ['x', 'y']) reads.push(await gql(t, 'GetEntity', { id }));

    // Only t1's x went back to Neo4j, and it shows the new name; the other three stayed cached.
    expect(o.repoCalls.filter((c) => c === 'getEntity')).toHaveLength(1);
    expect(reads[0]!.json.data!.entity.names).toEqual(['Xavier Renamed']);
    expect(reads[2]!.json.data!.entity.names).toEqual(['Xavier']);
  });

  it('returns RESULT_TOO_LARGE instead of a truncated neighbourhood', async () => {
    const tenant = testTenant('cap');
    await person(tenant, 'hub', ['Hub']);
    for (let i = 0; i < 6; i++) {
      await person(tenant, `s${i}`, [`Spoke ${i}`]);
      await gql(tenant, 'LinkEntities', { input: { from: 'hub', to: `s${i}`, type: 'KNOWS' } });
    }
    const { json } = await gql(tenant, 'Neighbors', { id: 'hub', hops: 1, limit: 5 });
    expect(json.errors?.[0]?.extensions.code).toBe('RESULT_TOO_LARGE');
    expect(json.data?.neighbors ?? null).toBeNull();
  });

  it('reads the signed body over a real HTTP server, as npm start and the Lambda adapter serve it', async () => {
    const tenant = testTenant('http');
    await person(tenant, 'h1', ['Hedy Lamarr']);
    const server = createServer((req, res) => o.yoga(req, res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const signed = await signedGraphqlRequest({ tenant, operation: 'GetEntity', variables: { id: 'h1' } });
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: signed.headers,
        body: await signed.text(),
      });
      const json = (await res.json()) as { data?: { entity?: { names: string[] } }; errors?: unknown[] };
      expect(json.errors).toBeUndefined();
      expect(json.data?.entity?.names).toEqual(['Hedy Lamarr']);
    } finally {
      server.close();
    }
  });

  it('refuses an unknown persisted id', async () => {
    const res = await o.yoga.fetch(await signedGraphqlRequest({ tenant: testTenant('u'), id: '0'.repeat(64) }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  });

  it('returns a bookmark on writes that gives read-your-writes', async () => {
    const tenant = testTenant('bm');
    const write = await gql(tenant, 'UpsertEntity', {
      input: { id: 'bm1', kind: 'ORGANISATION', names: ['Bookmark Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' },
    });
    const bookmark = write.res.headers.get('x-gg-bookmark');
    expect(bookmark).toBeTruthy();
    const read = await gql(tenant, 'GetEntity', { id: 'bm1' }, { 'x-gg-bookmark': bookmark! });
    expect(read.json.data!.entity.names).toEqual(['Bookmark Ltd']);
  });
});
