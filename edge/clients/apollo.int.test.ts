import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/core/manifest/index.js';
import { schemaDir } from '../../functions/core/manifest/schema-source.js';
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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const { docs, reads } = appOperations();

/** Apollo Client 4 as an app builds it: normalised cache on, the given persisted-query link, HTTP to the edge. */
function apollo(token: string, persisted: PersistedQueryLink) {
  const auth = new SetContextLink(() => ({ headers: { authorization: `Bearer ${token}` } }));
  const http = new HttpLink({ uri: h.url, fetch: h.recordingFetch });
  return new ApolloClient({ cache: new InMemoryCache(), link: ApolloLink.from([auth, persisted, http]) });
}

/** Seeds the sample entities with the client's own mutations. */
async function seed(client: ApolloClient, suffix: string) {
  const { a, b } = sampleEntities(suffix);
  for (const input of [a, b]) await client.mutate({ mutation: gql(docs.UpsertEntity!.text), variables: { input } });
  await client.mutate({
    mutation: gql(docs.LinkEntities!.text),
    variables: { input: { from: a.id, to: b.id, type: 'WORKS_FOR', confidence: 0.9 } },
  });
}

async function readsEveryQueryAndSeesTheCacheFollow(client: ApolloClient, suffix: string) {
  await seed(client, suffix);
  const vars = readVariables(suffix);
  for (const [name, doc] of reads) {
    const res = await client.query({ query: gql(doc.text), variables: vars[name], fetchPolicy: 'network-only' });
    expect(res.error, name).toBeUndefined();
    expect(res.data, name).toBeTruthy();
  }
  // Fragment fields survive the normalised cache (they came back empty without __typename in the documents).
  const { a } = sampleEntities(suffix);
  const read = () => client.query({ query: gql(docs.GetEntity!.text), variables: { id: a.id } });
  const first = await read();
  expect(first.data).toMatchObject({ entity: { __typename: 'Entity', id: a.id, names: a.names, sources: [] } });

  // A repeat over the network is a HIT at the edge, by id alone.
  let mark = h.exchanges.length;
  await client.query({ query: gql(docs.GetEntity!.text), variables: { id: a.id }, fetchPolicy: 'network-only' });
  expect(h.exchanges.slice(mark)).toEqual([
    expect.objectContaining({ sentDocument: false, status: 200, xCache: 'HIT' }),
  ]);

  // A mutation's result updates the normalised cache: the cached query shows the new name without a refetch.
  await client.mutate({
    mutation: gql(docs.UpsertEntity!.text),
    variables: { input: { ...a, names: [`Initrode ${suffix}`] } },
  });
  mark = h.exchanges.length;
  const fromCache = await client.query({ query: gql(docs.GetEntity!.text), variables: { id: a.id } });
  expect(h.exchanges.length).toBe(mark);
  expect(fromCache.data).toMatchObject({ entity: { names: [`Initrode ${suffix}`] } });
  // …and the edge's cache was invalidated by the write: the next network read is a MISS with the new name.
  const fresh = await client.query({
    query: gql(docs.GetEntity!.text),
    variables: { id: a.id },
    fetchPolicy: 'network-only',
  });
  expect(fresh.data).toMatchObject({ entity: { names: [`Initrode ${suffix}`] } });
  expect(h.exchanges.at(-1)).toMatchObject({ xCache: 'MISS', sentDocument: false });
}

describe('Apollo Client 4 against the edge', () => {
  it("the registry's ids are the ids Apollo's manifest generator computes for the same documents", async () => {
    const generated = await generatePersistedQueryManifest(
      { documents: [join(schemaDir, 'operations/*.graphql'), join(schemaDir, 'fragments/*.graphql')] },
      undefined,
    );
    expect(generated.operations.length).toBe(Object.keys(manifest.operations).length);
    for (const op of generated.operations) {
      expect(manifest.operations[op.id], op.name).toMatchObject({ name: op.name, document: op.body });
    }
  });

  it('APQ link: reads every registered query, sees its cache follow a mutation, HITs on repeat', async () => {
    const { token } = await h.tenantToken('apollo-apq');
    const client = apollo(token, new PersistedQueryLink({ sha256 }));
    h.exchanges.length = 0;
    await readsEveryQueryAndSeesTheCacheFollow(client, 'apq');
    // Written in the natural order (operation, then its fragments), Apollo's own hashes are registered ids:
    // no request had to fall back to sending the document.
    expect(h.exchanges.filter((e) => e.sentDocument)).toEqual([]);
  });

  it('manifest-based ids (generatePersistedQueryIdsFromManifest on schema/persisted-query-manifest.json)', async () => {
    const exported = JSON.parse(readFileSync(join(schemaDir, 'persisted-query-manifest.json'), 'utf8'));
    const { token } = await h.tenantToken('apollo-manifest');
    const link = new PersistedQueryLink(generatePersistedQueryIdsFromManifest({ loadManifest: async () => exported }));
    const client = apollo(token, link);
    h.exchanges.length = 0;
    await readsEveryQueryAndSeesTheCacheFollow(client, 'manifest');
    expect(h.exchanges.length).toBeGreaterThan(reads.length + 3);
    expect(h.exchanges.filter((e) => e.sentDocument)).toEqual([]);
  });

  it('a document written in another order is recognised on the APQ retry, then served by its hash alone', async () => {
    const { token } = await h.tenantToken('apollo-order');
    const client = apollo(token, new PersistedQueryLink({ sha256 }));
    const [op, ...fragments] = docs.Neighbors!.text.split(/\n(?=fragment )/);
    const reordered = gql([...fragments.reverse(), op].join('\n'));
    const vars = { id: 'nobody', hops: 1 };
    h.exchanges.length = 0;
    await client.query({ query: reordered, variables: vars, fetchPolicy: 'network-only', errorPolicy: 'all' });
    await client.query({ query: reordered, variables: vars, fetchPolicy: 'network-only', errorPolicy: 'all' });
    expect(h.exchanges.map((e) => [e.sentDocument, e.status])).toEqual([
      [false, 400],
      [true, 200],
      [false, 200],
    ]);
  });
});
