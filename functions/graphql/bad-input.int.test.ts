import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { createDriver, Neo4jGraphRepository } from '../core/graph/index.js';
import { operationByName } from '../core/manifest/index.js';
import { loadWasmPolicyEngine } from '../core/policy/index.js';
import { signInternalRequest } from '../core/signing/internal-request.js';
import { upstashNonceStore } from '../core/signing/upstash-nonces.js';
import { createOrigin } from './app.js';
import { originCachePlugin } from './response-cache.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

/**
 * Bad-input corpus: every case must get a 4xx, a GraphQL error with a code, or (where the input turns out to be
 * harmless, e.g. an id of 5 coerced to "5") a normal answer — never a 5xx or a masked internal error — and the origin
 * must still answer a good request afterwards. Arbitrary documents are allowed here (as in the local stage) so the depth, alias
 * and size limits are exercised too.
 */
let yoga: ReturnType<typeof createOrigin>['yoga'];
let close: () => Promise<void>;
const tenant = testTenant('bad');

beforeAll(async () => {
  const driver = createDriver(twin().neo4jUri);
  const redis = new Redis({ url: twin().upstashUrl, token: twin().upstashToken });
  const cache = originCachePlugin(redis);
  yoga = createOrigin({
    repo: new Neo4jGraphRepository(driver),
    policy: await loadWasmPolicyEngine(),
    signingKeys: [testKey],
    nonces: upstashNonceStore(redis),
    allowArbitraryDocuments: true,
    plugins: [cache.plugin],
    invalidate: cache.invalidate,
  }).yoga;
  close = () => driver.close();
});
afterAll(() => close());

const id = (name: string) => operationByName(name).id;
const apq = (name: string, variables: unknown) =>
  JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id(name) } } });
const doc = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
const deep = (n: number) =>
  `{ ${'neighbors(id: "x") { center { '.repeat(1)}${'id '.repeat(1)}} } ${'}'.repeat(0)}`.replace(
    'x',
    'x'.repeat(n % 3),
  );
const nested = (n: number) =>
  `query Deep { entity(id: "a") { ${'sources { system '.repeat(0)}id } ${''} }`.concat(' '.repeat(n));
const aliases = (n: number) =>
  `query A { ${Array.from({ length: n }, (_, i) => `a${i}: entity(id: "${i}") { id }`).join(' ')} }`;
const depthDoc = (n: number) => {
  // Fragments recursing through neighbors → center → … nest the selection n levels deep.
  let inner = 'id';
  for (let i = 0; i < n; i++)
    inner = `neighbors(id: "a") { center { ${inner} } }`.replace(/^neighbors/, i === n - 1 ? 'neighbors' : 'neighbors');
  return `query D { ${inner.replace(/^neighbors\(id: "a"\) \{ center \{ /, 'neighbors(id: "a") { center { ')} }`;
};

type Case = {
  name: string;
  body?: string;
  method?: string;
  headers?: Record<string, string>;
  unsigned?: boolean;
  forge?: 'key' | 'tenant' | 'time' | 'body';
};

const cases: Case[] = [];
// Malformed JSON and wrong shapes.
for (const body of [
  '{',
  '}',
  'null',
  '[]',
  '[1,2]',
  '"str"',
  '42',
  'true',
  '{"variables":',
  '\u0000',
  '{"a":1}{"b":2}',
  '{"query":}',
  '',
  ' ',
  '{"extensions":"x"}',
  '{"extensions":{"persistedQuery":1}}',
  '{"extensions":{"persistedQuery":{"sha256Hash":5}}}',
  '{"extensions":{"persistedQuery":{"sha256Hash":null}}}',
  '{"operationName":5}',
  `{"variables":"notobject","extensions":{"persistedQuery":{"version":1,"sha256Hash":"${id('GetEntity')}"}}}`,
]) {
  cases.push({ name: `malformed ${JSON.stringify(body).slice(0, 30)}`, body });
}
// Unknown, short, long, non-hex ids.
for (const h of [
  '0'.repeat(64),
  'f'.repeat(64),
  'abc',
  'z'.repeat(64),
  `${id('GetEntity')}00`,
  id('GetEntity').toUpperCase(),
  ' ',
  '../../etc/passwd',
  '%00',
  '1'.repeat(1000),
]) {
  cases.push({
    name: `unknown id ${h.slice(0, 12)}`,
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: h } } }),
  });
}
// Wrong variable types for each operation.
const wrongTypes: [string, unknown][] = [
  ['GetEntity', {}],
  ['GetEntity', { id: 5 }],
  ['GetEntity', { id: null }],
  ['GetEntity', { id: ['a'] }],
  ['GetEntity', { id: { a: 1 } }],
  ['Neighbors', { id: 'a', hops: 0 }],
  ['Neighbors', { id: 'a', hops: 4 }],
  ['Neighbors', { id: 'a', hops: -1 }],
  ['Neighbors', { id: 'a', hops: 'two' }],
  ['Neighbors', { id: 'a', hops: 1.5 }],
  ['Neighbors', { id: 'a', limit: 0 }],
  ['Neighbors', { id: 'a', limit: 1e9 }],
  ['Neighbors', { id: 'a', relTypes: ['NOPE'] }],
  ['Neighbors', { id: 'a', relTypes: 'KNOWS,WORKS_FOR' }],
  ['Search', {}],
  ['Search', { text: '' }],
  ['Search', { text: 5 }],
  ['Search', { text: 'a', limit: -5 }],
  ['Search', { text: 'a', kinds: ['ALIEN'] }],
  ['Search', { text: '*:*' }],
  ['Search', { text: 'name:(a OR b) AND ~~~' }],
  ['Search', { text: '"unbalanced' }],
  ['Search', { text: 'a'.repeat(5000) }],
  ['Path', { from: 'a' }],
  ['Path', { from: 'a', to: 'b', maxHops: 4 }],
  ['Path', { from: 'a', to: 'b', maxHops: 0 }],
  ['UpsertEntity', {}],
  ['UpsertEntity', { input: {} }],
  ['UpsertEntity', { input: { kind: 'PERSON' } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: [] } }],
  ['UpsertEntity', { input: { kind: 'ROBOT', names: ['x'] } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: ['x'], attributes: 'str' } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: ['x'], attributes: [1] } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: ['x'], dataClass: 'SECRET' } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: [''.padEnd(2000, 'n')] } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: Array(500).fill('n') } }],
  ['UpsertEntity', { input: { kind: 'PERSON', names: ['x'], sources: [{ system: 's' }] } }],
  [
    'UpsertEntity',
    { input: { kind: 'PERSON', names: ['x'], sources: [{ system: 's', recordId: 'r', retrievedAt: 'yesterday' }] } },
  ],
  ['LinkEntities', { input: { from: 'a', to: 'b' } }],
  ['LinkEntities', { input: { from: 'a', to: 'b', type: 'LOVES' } }],
  ['LinkEntities', { input: { from: 'nope1', to: 'nope2', type: 'KNOWS' } }],
  ['LinkEntities', { input: { from: 'a', to: 'a', type: 'KNOWS' } }],
  ['LinkEntities', { input: { from: 'a', to: 'b', type: 'KNOWS', confidence: 'high' } }],
  ['LinkEntities', { input: { from: 'a', to: 'b', type: 'KNOWS', since: '31/12/2020' } }],
  ['MergeEntity', { survivorId: 'nope', mergedId: 'nope2' }],
  ['MergeEntity', { survivorId: 'same', mergedId: 'same' }],
  ['MergeEntity', {}],
  ['UnmergeEntity', { mergeId: 'never-happened' }],
  ['UnmergeEntity', { mergeId: 7 }],
];
for (const [op, vars] of wrongTypes)
  cases.push({ name: `${op} ${JSON.stringify(vars).slice(0, 40)}`, body: apq(op, vars) });
// Huge variables and body.
cases.push({ name: 'huge variables', body: apq('Search', { text: 'x'.repeat(70_000) }) });
cases.push({ name: 'huge body padding', body: `${apq('GetEntity', { id: 'a' })}${' '.repeat(80_000)}` });
cases.push({
  name: 'many variables',
  body: apq('GetEntity', Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`v${i}`, i]))),
});
// Arbitrary documents (allowed locally): depth, aliases, fields, syntax, introspection-ish, unknown fields.
for (const n of [9, 12, 30]) cases.push({ name: `depth ${n}`, body: doc(depthDoc(n)) });
for (const n of [16, 50, 200]) cases.push({ name: `aliases ${n}`, body: doc(aliases(n)) });
for (const q of [
  '{',
  'query { entity }',
  'query { nope }',
  'mutation { upsertEntity }',
  'subscription { x }',
  '{ entity(id: 1) { id } }',
  'query Q($id: ID!) { entity(id: $id) { id } }',
  'fragment F on Entity { ...F } query { entity(id: "a") { ...F } }',
  'query { __typename @skip }',
  'query A { a } query B { b }',
]) {
  cases.push({ name: `doc ${q.slice(0, 30)}`, body: doc(q) });
}
void deep;
void nested;
// Transport: methods, content types, signatures.
cases.push({ name: 'PUT', method: 'PUT', body: apq('GetEntity', { id: 'a' }) });
cases.push({ name: 'DELETE', method: 'DELETE', body: apq('GetEntity', { id: 'a' }) });
cases.push({ name: 'text/plain', body: apq('GetEntity', { id: 'a' }), headers: { 'content-type': 'text/plain' } });
cases.push({ name: 'form', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
cases.push({ name: 'unsigned', body: apq('GetEntity', { id: 'a' }), unsigned: true });
cases.push({ name: 'forged key', body: apq('GetEntity', { id: 'a' }), forge: 'key' });
cases.push({ name: 'forged tenant header', body: apq('GetEntity', { id: 'a' }), forge: 'tenant' });
cases.push({ name: 'stale timestamp', body: apq('GetEntity', { id: 'a' }), forge: 'time' });
cases.push({ name: 'body swapped after signing', body: apq('GetEntity', { id: 'a' }), forge: 'body' });
cases.push({
  name: 'garbage signature header',
  body: apq('GetEntity', { id: 'a' }),
  headers: { 'x-gg-signature': 'test.!!!!' },
});
cases.push({ name: 'bad timestamp header', body: apq('GetEntity', { id: 'a' }), headers: { 'x-gg-ts': 'yesterday' } });
cases.push({
  name: 'huge bookmark header',
  body: apq('GetEntity', { id: 'a' }),
  headers: { 'x-gg-bookmark': 'b'.repeat(4000) },
});
cases.push({
  name: 'garbage bookmark',
  body: apq('GetEntity', { id: 'a' }),
  headers: { 'x-gg-bookmark': 'not-a-bookmark' },
});

async function build(c: Case): Promise<Request> {
  const body = c.body ?? '';
  const method = c.method ?? 'POST';
  if (c.forge === 'key') {
    const h = await signInternalRequest(
      { kid: 'test', secret: 'wrong-secret-wrong' },
      { method, path: '/graphql', body },
      { tenant, subject: 's', attributes: {} },
    );
    return new Request('http://o/graphql', { method, headers: { 'content-type': 'application/json', ...h }, body });
  }
  if (c.forge === 'time') {
    const h = await signInternalRequest(
      testKey,
      { method, path: '/graphql', body },
      { tenant, subject: 's', attributes: {} },
      Date.now() - 3_600_000,
    );
    return new Request('http://o/graphql', { method, headers: { 'content-type': 'application/json', ...h }, body });
  }
  const req = await signedGraphqlRequest({ tenant, rawBody: body, unsigned: c.unsigned, headers: c.headers });
  const headers = new Headers(req.headers);
  if (c.forge === 'tenant') headers.set('x-gg-tenant', 'someone-else');
  const sentBody = c.forge === 'body' ? body.replace('"a"', '"b"') : body;
  return new Request(req.url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : sentBody });
}

describe('bad-input corpus against the origin', () => {
  it(`has at least 100 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it('answers every case with a 4xx or a coded GraphQL error, never a 5xx, and stays up', async () => {
    const failures: string[] = [];
    const counts = new Map<string, number>();
    for (const c of cases) {
      const res = await yoga.fetch(await build(c));
      const text = await res.text();
      let codes: string[] = [];
      try {
        codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) =>
          String(e.extensions?.code),
        );
      } catch {
        // a non-JSON 4xx (e.g. 405 from the HTTP layer) is acceptable
      }
      const ok = res.status < 500 && !codes.includes('INTERNAL_SERVER_ERROR') && !codes.includes('undefined');
      if (res.status < 500)
        counts.set(
          res.status >= 400 ? '4xx' : codes.length > 0 ? 'coded' : 'harmless',
          (counts.get(res.status >= 400 ? '4xx' : codes.length > 0 ? 'coded' : 'harmless') ?? 0) + 1,
        );
      if (!ok) failures.push(`${c.name}: ${res.status} ${text.slice(0, 160)}`);
    }
    const good = await yoga.fetch(
      await signedGraphqlRequest({ tenant, operation: 'Search', variables: { text: 'anything' } }),
    );
    expect(failures).toEqual([]);
    expect(good.status).toBe(200);
    // Most of the corpus must be refused outright; only a handful of inputs are harmless.
    expect((counts.get('4xx') ?? 0) + (counts.get('coded') ?? 0)).toBeGreaterThan(cases.length * 0.9);
  }, 120_000);
});
