import { type Client, cacheExchange, createClient, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOperations,
  type ClientHarness,
  clientHarness,
  readVariables,
  sampleEntities,
} from '../test-support/client-harness.js';

let h: ClientHarness;
beforeAll(async () => {
  h = await clientHarness();
});
afterAll(() => h.close());

const { docs, reads } = appOperations();

/** urql 6 as an app builds it: the document cache, the persisted exchange (mutations too), fetch to the edge. */
function urql(token: string): Client {
  return createClient({
    url: h.url,
    fetch: h.recordingFetch,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [cacheExchange, persistedExchange({ enableForMutation: true }), fetchExchange],
  });
}

async function mutate(client: Client, name: string, variables: Record<string, unknown>) {
  const res = await client.mutation(gql(docs[name]!.text), variables).toPromise();
  expect(res.error, name).toBeUndefined();
  return res;
}

describe('urql 6 with @urql/exchange-persisted against the edge', () => {
  it('reads every registered query, has its document cache invalidated by a mutation, HITs on repeat', async () => {
    const { token } = await h.tenantToken('urql');
    const client = urql(token);
    const { a, b } = sampleEntities('urql');
    const start = h.exchanges.length;
    await mutate(client, 'UpsertEntity', { input: a });
    await mutate(client, 'UpsertEntity', { input: b });
    await mutate(client, 'LinkEntities', { input: { from: a.id, to: b.id, type: 'OWNS' } });

    const vars = readVariables('urql');
    for (const [name, doc] of reads) {
      const res = await client.query(gql(doc.text), vars[name], { requestPolicy: 'network-only' }).toPromise();
      expect(res.error, name).toBeUndefined();
      expect(res.data, name).toBeTruthy();
    }
    const getEntity = gql(docs.GetEntity!.text);
    const cached = await client.query(getEntity, { id: a.id }).toPromise();
    expect(cached.data).toMatchObject({ entity: { __typename: 'Entity', id: a.id, names: a.names } });

    // The mutation's result names an Entity: urql drops every cached result holding one.
    await mutate(client, 'UpsertEntity', { input: { ...a, names: ['Initrode urql'] } });
    let mark = h.exchanges.length;
    const refetched = await client.query(getEntity, { id: a.id }).toPromise();
    expect(h.exchanges.slice(mark)).toEqual([expect.objectContaining({ status: 200, xCache: 'MISS' })]);
    expect(refetched.data).toMatchObject({ entity: { names: ['Initrode urql'] } });

    mark = h.exchanges.length;
    await client.query(getEntity, { id: a.id }, { requestPolicy: 'network-only' }).toPromise();
    expect(h.exchanges.slice(mark)).toEqual([expect.objectContaining({ status: 200, xCache: 'HIT', method: 'GET' })]);
    // urql's hashes of its own printing are registered ids: nothing fell back to sending the document.
    expect(h.exchanges.slice(start).filter((e) => e.sentDocument || e.status !== 200)).toEqual([]);
  });
});
