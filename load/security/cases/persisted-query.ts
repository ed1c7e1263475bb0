/**
 * The persisted-query protocol at the edge: ids, extensions, operation names, variables of every wrong shape and
 * size, batching and GET. Refusals are 4xx with a stable code; harmless oddities (an id of 5) are served.
 */
import type { Case, CorpusContext, Expectation } from '../types.js';
import { apq, badRequest, edgePost, nestedArrays, nestedObjects, opId, tooDeep, tooLarge } from './helpers.js';

const pqOnly: Expectation = { status: [400], code: ['PERSISTED_QUERY_ONLY'] };
const notInList: Expectation = { status: [400], code: ['PERSISTED_QUERY_NOT_IN_LIST'] };
/** An unknown APQ hash: the code APQ clients retry on with the document. */
const apqNotFound: Expectation = { status: [400], code: ['PERSISTED_QUERY_NOT_FOUND'] };
const badInput: Expectation = { status: [200, 400], code: ['BAD_USER_INPUT', 'BAD_REQUEST', 'INVALID_INPUT'] };
const served: Expectation = { status: [200] };
const parseFailed: Expectation = { status: [400], code: ['GRAPHQL_PARSE_FAILED'] };
const hashMismatch: Expectation = { status: [400], code: ['PERSISTED_QUERY_HASH_MISMATCH'] };

const ext = (persistedQuery: unknown) => ({ extensions: { persistedQuery } });

export function persistedQueryCases(ctx: CorpusContext): Case[] {
  const get = opId('GetEntity');
  // The registered GetEntity as a client prints it: another layout, no __typename, fragment first.
  const registered = `fragment EntityFields on Entity { id kind names attributes dataClass licence sources { system recordId retrievedAt } createdAt updatedAt }
query GetEntity($id: ID!) { entity(id: $id) { ...EntityFields } }`;
  const id = ctx.ids.entity;
  const body = (o: unknown) => JSON.stringify(o);
  const protocol: [string, string, Expectation][] = [
    ['no-extensions', body({ variables: { id } }), pqOnly],
    ['query-document', body({ query: '{ entity(id: "x") { id } }' }), notInList],
    [
      'query-with-hash',
      body({ query: '{ __schema { types { name } } }', ...ext({ version: 1, sha256Hash: get }) }),
      notInList,
    ],
    ['introspection-query', body({ query: 'query { __typename }', variables: {} }), notInList],
    ['query-syntax-error', body({ query: 'query GetEntity($id: ID!) { entity(id: $id) { id ' }), parseFailed],
    ['query-token-flood', body({ query: `query Q { ${'a '.repeat(6000)}}` }), parseFailed],
    ['query-not-a-string', body({ query: { kind: 'Document' } }), badRequest],
    [
      'query-registered-with-foreign-hash',
      body({ query: registered, variables: { id }, ...ext({ version: 1, sha256Hash: 'e'.repeat(64) }) }),
      hashMismatch,
    ],
    [
      'query-registered-two-operations',
      body({ query: `${registered}\nquery Other { __typename }`, variables: { id } }),
      badRequest,
    ],
    [
      'query-registered-wrong-operation-name',
      body({ query: registered, variables: { id }, operationName: 'Other' }),
      badRequest,
    ],
    ['query-registered-document', body({ query: registered, variables: { id } }), served],
    ['document-id-unknown', body({ documentId: `sha256:${'d'.repeat(64)}` }), notInList],
    ['document-id-md5', body({ documentId: `md5:${'d'.repeat(32)}` }), notInList],
    ['document-id-number', body({ documentId: 7 }), badRequest],
    [
      'document-id-and-other-hash',
      body({ documentId: get, ...ext({ version: 1, sha256Hash: 'f'.repeat(64) }) }),
      badRequest,
    ],
    ['document-id-prefixed', body({ documentId: `sha256:${get}`, variables: { id } }), served],
    ['unknown-hash', body({ ...ext({ version: 1, sha256Hash: 'f'.repeat(64) }) }), apqNotFound],
    ['uppercase-hash', body({ ...ext({ version: 1, sha256Hash: get.toUpperCase() }), variables: { id } }), served],
    ['short-hash', body({ ...ext({ version: 1, sha256Hash: get.slice(1) }) }), apqNotFound],
    ['long-hash', body({ ...ext({ version: 1, sha256Hash: `${get}00` }) }), apqNotFound],
    ['non-hex-hash', body({ ...ext({ version: 1, sha256Hash: 'z'.repeat(64) }) }), apqNotFound],
    ['hash-with-traversal', body({ ...ext({ version: 1, sha256Hash: '../../etc/passwd' }) }), apqNotFound],
    ['hash-number', body({ ...ext({ version: 1, sha256Hash: 12345 }) }), badRequest],
    ['hash-null', body({ ...ext({ version: 1, sha256Hash: null }) }), badRequest],
    ['hash-array', body({ ...ext({ version: 1, sha256Hash: [get] }) }), badRequest],
    ['hash-object', body({ ...ext({ version: 1, sha256Hash: { id: get } }) }), badRequest],
    ['persisted-query-string', body({ extensions: { persistedQuery: get } }), badRequest],
    ['persisted-query-null', body({ extensions: { persistedQuery: null } }), pqOnly],
    ['extensions-array', body({ extensions: [get] }), badRequest],
    ['extensions-string', body({ extensions: 'persistedQuery' }), badRequest],
    ['version-2', body({ ...ext({ version: 2, sha256Hash: get }), variables: { id } }), badRequest],
    ['version-string', body({ ...ext({ version: '1', sha256Hash: get }), variables: { id } }), badRequest],
    ['version-zero', body({ ...ext({ version: 0, sha256Hash: get }), variables: { id } }), badRequest],
    ['operation-name-mismatch', apq('GetEntity', { id }, { operationName: 'MergeEntity' }), badRequest],
    ['operation-name-number', apq('GetEntity', { id }, { operationName: 7 }), badRequest],
    ['operation-name-huge', apq('GetEntity', { id }, { operationName: 'x'.repeat(4000) }), badRequest],
    ['batched-array', `[${apq('GetEntity', { id })},${apq('GetEntity', { id })}]`, badRequest],
    ['batched-empty', '[]', badRequest],
  ];
  const variables: [string, string, Expectation][] = [
    ['variables-array', apq('GetEntity', [id]), badRequest],
    ['variables-string', apq('GetEntity', 'id'), badRequest],
    ['variables-number', apq('GetEntity', 1), badRequest],
    ['variables-null', apq('GetEntity', null), badInput],
    ['variables-missing-id', apq('GetEntity', {}), badInput],
    ['id-number', apq('GetEntity', { id: 5 }), served],
    ['id-object', apq('GetEntity', { id: { $ne: null } }), badInput],
    ['id-array', apq('GetEntity', { id: [id] }), badInput],
    ['id-bool', apq('GetEntity', { id: true }), badInput],
    ['id-null', apq('GetEntity', { id: null }), badInput],
    ['id-nul', apq('GetEntity', { id: 'a\u0000b' }), { status: [200, 400] }],
    [
      'id-lone-surrogate',
      `{"variables":{"id":"\\ud800"},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      badRequest,
    ],
    ['id-over-variables-cap', apq('GetEntity', { id: 'x'.repeat(9000) }), tooLarge],
    ['id-cypher', apq('GetEntity', { id: "x' OR 1=1 //" }), served],
    ['id-cypher-braces', apq('GetEntity', { id: '}) MATCH (n) DETACH DELETE n //' }), served],
    ['id-unicode', apq('GetEntity', { id: '日本語-🙂' }), served],
    [
      'proto-key',
      `{"variables":{"__proto__":{"id":"${id}"}},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      badInput,
    ],
    ['constructor-key', apq('GetEntity', { id, constructor: { prototype: { admin: true } } }), { status: [200, 400] }],
    [
      'duplicate-keys',
      `{"variables":{"id":"a","id":"${id}"},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      served,
    ],
    [
      'number-overflow',
      `{"variables":{"id":1e999},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      badRequest,
    ],
    ['deep-arrays-33', apq('GetEntity', { id, x: JSON.parse(nestedArrays(33)) }), tooDeep],
    [
      'deep-arrays-2100',
      `{"variables":{"id":"x","v":${nestedArrays(2100)}},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      tooDeep,
    ],
    [
      'deep-objects-200',
      `{"variables":{"id":"x","v":${nestedObjects(200)}},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${get}"}}}`,
      tooDeep,
    ],
    ['neighbors-hops-negative', apq('Neighbors', { id, hops: -1 }), badInput],
    ['neighbors-hops-huge', apq('Neighbors', { id, hops: 1_000_000 }), badInput],
    ['neighbors-limit-huge', apq('Neighbors', { id, hops: 1, limit: 2 ** 31 }), badInput],
    ['neighbors-hops-float', apq('Neighbors', { id, hops: 1.5 }), badInput],
    ['search-lucene-wildcard', apq('Search', { text: '*' }), { status: [200] }],
    ['search-lucene-syntax', apq('Search', { text: 'name:(a OR b) AND tenant:*' }), { status: [200] }],
    ['search-backslashes', apq('Search', { text: '\\\\\\' }), { status: [200] }],
    ['search-regex-bomb', apq('Search', { text: '/(a+)+$/' }), { status: [200] }],
    ['search-long-text', apq('Search', { text: 'a'.repeat(3000) }), { status: [200, 400] }],
    ['search-limit-negative', apq('Search', { text: 'a', limit: -5 }), badInput],
    ['path-same-ends', apq('Path', { from: id, to: id }), served],
    ['path-huge-hops', apq('Path', { from: id, to: ctx.ids.other, maxHops: 100000 }), badInput],
    [
      'export-bad-audience',
      apq('ExportEntities', { selection: { ids: [id] }, purpose: 'x', audience: 'EVERYONE' }),
      badInput,
    ],
    [
      'export-negative-k',
      apq('ExportEntities', { selection: { kinds: ['PERSON'] }, purpose: 'analytics', audience: 'INTERNAL', k: -1 }),
      { status: [200, 400] },
    ],
    [
      'export-huge-limit',
      apq('ExportEntities', {
        selection: { kinds: ['PERSON'] },
        purpose: 'analytics',
        audience: 'INTERNAL',
        limit: 10_000_000,
      }),
      { status: [200, 400] },
    ],
    ['upsert-names-empty', apq('UpsertEntity', { input: { kind: 'PERSON', names: [] } }), { status: [200, 400] }],
    ['upsert-kind-invalid', apq('UpsertEntity', { input: { kind: 'ALIEN', names: ['x'] } }), badInput],
    [
      'upsert-attributes-array',
      apq('UpsertEntity', { input: { kind: 'PERSON', names: ['x'], attributes: [1, 2] } }),
      { status: [200, 400] },
    ],
    [
      'upsert-attributes-deep',
      apq('UpsertEntity', { input: { kind: 'PERSON', names: ['x'], attributes: JSON.parse(nestedObjects(40)) } }),
      tooDeep,
    ],
    ['link-self', apq('LinkEntities', { input: { from: id, to: id, type: 'KNOWS' } }), { status: [200, 400] }],
    ['link-bad-type', apq('LinkEntities', { input: { from: id, to: ctx.ids.other, type: 'HATES' } }), badInput],
    [
      'link-confidence-nan',
      `{"variables":{"input":{"from":"${id}","to":"${ctx.ids.other}","type":"KNOWS","confidence":"NaN"}},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${opId('LinkEntities')}"}}}`,
      badInput,
    ],
    [
      'link-since-garbage',
      apq('LinkEntities', { input: { from: id, to: ctx.ids.other, type: 'KNOWS', since: 'yesterday' } }),
      badInput,
    ],
  ];
  const cases = [...protocol, ...variables].map(([name, b, expect]) =>
    edgePost(`pq/${name}`, 'persisted-query', b, expect),
  );

  const getParams = (params: Record<string, string>) => `/graphql?${new URLSearchParams(params)}`;
  const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: get } });
  const gets: [string, string, Expectation][] = [
    ['get-valid', getParams({ variables: JSON.stringify({ id }), extensions }), served],
    [
      'get-mutation',
      getParams({
        variables: '{}',
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: opId('UpsertEntity') } }),
      }),
      { status: [405] },
    ],
    ['get-no-params', '/graphql', pqOnly],
    ['get-variables-not-json', getParams({ variables: '{id:', extensions }), badRequest],
    ['get-extensions-not-json', getParams({ variables: '{}', extensions: '{' }), badRequest],
    ['get-deep-variables', getParams({ variables: `{"id":${nestedArrays(1500)}}`, extensions }), tooDeep],
    ['get-query-document', getParams({ query: '{ __schema { types { name } } }' }), notInList],
    [
      'get-huge-url',
      getParams({ variables: JSON.stringify({ id: 'x'.repeat(30_000) }), extensions }),
      { status: [400, 413, 414, 431] },
    ],
    [
      'get-repeated-params',
      `/graphql?variables=%7B%7D&variables=${encodeURIComponent(JSON.stringify({ id }))}&extensions=${encodeURIComponent(extensions)}`,
      { status: [200, 400] },
    ],
  ];
  for (const [name, path, expect] of gets) {
    cases.push({
      id: `pq/${name}`,
      category: 'persisted-query',
      target: 'edge',
      method: 'GET',
      path,
      auth: {},
      expect,
    });
  }
  return cases;
}
