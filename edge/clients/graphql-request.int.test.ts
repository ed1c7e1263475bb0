import { GraphQLClient } from 'graphql-request';
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

describe('graphql-request 7 against the edge, sending documents as it always does', () => {
  for (const method of ['POST', 'GET'] as const) {
    it(`${method}: reads every registered query, runs a mutation, sees the change, HITs on repeat`, async () => {
      const { token } = await h.tenantToken(`gqlreq-${method.toLowerCase()}`);
      const suffix = `gr-${method}`;
      const headers = { authorization: `Bearer ${token}` };
      const reader = new GraphQLClient(h.url, { fetch: h.recordingFetch, headers, method });
      const writer = new GraphQLClient(h.url, { fetch: h.recordingFetch, headers });
      const { a, b } = sampleEntities(suffix);
      await writer.request(docs.UpsertEntity!.text, { input: a });
      await writer.request(docs.UpsertEntity!.text, { input: b });
      await writer.request(docs.LinkEntities!.text, { input: { from: a.id, to: b.id, type: 'KNOWS' } });

      const vars = readVariables(suffix);
      for (const [name, doc] of reads) {
        const data = await reader.request<Record<string, unknown>>(doc.text, vars[name]);
        expect(Object.values(data)[0], name).toBeTruthy();
      }
      const mark = h.exchanges.length;
      const again = await reader.request<{ entity: { names: string[] } }>(docs.GetEntity!.text, { id: a.id });
      await writer.request(docs.UpsertEntity!.text, { input: { ...a, names: [`Renamed ${suffix}`] } });
      const after = await reader.request<{ entity: { names: string[] } }>(docs.GetEntity!.text, { id: a.id });

      expect(again.entity.names).toEqual(a.names);
      expect(after.entity.names).toEqual([`Renamed ${suffix}`]);
      expect(h.exchanges.slice(mark).map((e) => [e.method, e.sentDocument, e.xCache])).toEqual([
        [method, true, 'HIT'],
        ['POST', true, 'BYPASS'],
        [method, true, 'MISS'],
      ]);
    });
  }

  it('refuses a document that is not registered, with the GraphQL error a client can branch on', async () => {
    const { token } = await h.tenantToken('gqlreq-refused');
    const client = new GraphQLClient(h.url, { fetch: h.recordingFetch, headers: { authorization: `Bearer ${token}` } });
    const refused = await client.request('query Mine { entity(id: "x") { id } }').catch((e: unknown) => e);
    expect(refused).toMatchObject({
      response: { status: 400, errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] },
    });
  });
});
