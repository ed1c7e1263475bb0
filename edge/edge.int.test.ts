import type { Requester, UpstashRequest } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest, operationByName } from '../functions/core/manifest/index.js';
import { testTenant, twin } from '../infra/local/test-support/twin.js';
import { undiciRequester } from './adapters/upstash-undici.js';
import { apqBody, firstError } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

type Stack = Awaited<ReturnType<typeof realStack>>;
let clock = Date.now();
let s: Stack;
let pending: Promise<unknown>[] = [];

beforeAll(async () => {
  s = await realStack({ now: () => clock, background: (w) => void pending.push(w) });
});
afterAll(() => s.close());

async function send(
  token: string,
  op: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return s.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: apqBody(op, variables),
  });
}

async function seed(_tenant: string, token: string, id: string, name: string) {
  const input = { id, kind: 'ORGANISATION', names: [name], dataClass: 'ENTITY', licence: 'PUBLIC' };
  const res = await send(token, 'UpsertEntity', { input });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-cache')).toBe('BYPASS');
}

describe('edge over the real cache and the real origin', () => {
  it('answers MISS then HIT, and the HIT does not call the origin', async () => {
    const tenant = testTenant('edge');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o1', 'Initech');
    clock = Date.now();

    const before = s.state.originCalls;
    const miss = await send(token, 'GetEntity', { id: 'o1' });
    const afterMiss = s.state.originCalls;
    const hit = await send(token, 'GetEntity', { id: 'o1' });

    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(afterMiss - before).toBe(1);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(s.state.originCalls).toBe(afterMiss);
    expect(await hit.json()).toEqual({ data: { entity: expect.objectContaining({ id: 'o1', names: ['Initech'] }) } });
    expect(hit.headers.get('etag')).toMatch(/^W\/"/);
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(0);
  });

  it('answers 304 to If-None-Match with the etag, without a body', async () => {
    const tenant = testTenant('etag');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o2', 'Globex');
    await send(token, 'GetEntity', { id: 'o2' });
    const hit = await send(token, 'GetEntity', { id: 'o2' });
    const revalidated = await send(token, 'GetEntity', { id: 'o2' }, { 'if-none-match': hit.headers.get('etag')! });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
  });

  it('shows a mutation at the edge: the invalidated entry is read fresh from the origin', async () => {
    const tenant = testTenant('inval');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o3', 'Umbrella');
    await send(token, 'GetEntity', { id: 'o3' });
    expect((await send(token, 'GetEntity', { id: 'o3' })).headers.get('x-cache')).toBe('HIT');

    await seed(tenant, token, 'o3', 'Umbrella Corporation');
    const after = await send(token, 'GetEntity', { id: 'o3' });

    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(((await after.json()) as { data: { entity: { names: string[] } } }).data.entity.names).toEqual([
      'Umbrella Corporation',
    ]);
  });

  it('answers in the media type the client accepts on MISS, HIT and STALE alike, whoever filled the cache', async () => {
    const tenant = testTenant('accept');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o9', 'Soylent');
    clock = Date.now();
    const json = 'application/json; charset=utf-8';
    const gql = 'application/graphql-response+json; charset=utf-8';
    const seen: [string | null, string | null][] = [];
    const read = async (accept?: string) => {
      const res = await send(token, 'GetEntity', { id: 'o9' }, accept ? { accept } : {});
      seen.push([res.headers.get('x-cache'), res.headers.get('content-type')]);
    };

    await read('application/graphql-response+json');
    await read('application/json');
    await read();
    await read('*/*');
    await read('application/graphql-response+json');
    clock += 300_000 + 5_000;
    pending = [];
    await read('application/json');
    await Promise.all(pending);

    expect(seen).toEqual([
      ['MISS', gql],
      ['HIT', json],
      ['HIT', json],
      ['HIT', json],
      ['HIT', gql],
      ['STALE', json],
    ]);
  });

  it('shares one cache entry between equivalent requests: APQ hash, documentId, an alias, the document, GET', async () => {
    const tenant = testTenant('equiv');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o10', 'Cyberdyne');
    clock = Date.now();
    const entry = operationByName('GetEntity');
    const alias = Object.entries(manifest.aliases).find(([, target]) => target === entry.id)![0];
    const variables = { id: 'o10' };
    const post = (body: Record<string, unknown>) =>
      s.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ ...body, variables }),
      });
    const qs = new URLSearchParams({ documentId: entry.id, variables: JSON.stringify(variables) });

    const answers = [
      await post({ extensions: { persistedQuery: { version: 1, sha256Hash: entry.id } } }),
      await post({ documentId: `sha256:${entry.id}` }),
      await post({ documentId: alias }),
      await post({ query: entry.document.replace(/\s+/g, ' '), operationName: 'GetEntity' }),
      await s.app.request(`/graphql?${qs}`, { headers: { authorization: `Bearer ${token}` } }),
    ];

    expect(answers.map((r) => [r.status, r.headers.get('x-cache')])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
    ]);
  });

  it('serves STALE past the TTL while exactly one background refresh rewrites the entry', async () => {
    const tenant = testTenant('swr');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o4', 'Hooli');
    clock = Date.now();
    await send(token, 'GetEntity', { id: 'o4' });
    clock += 300_000 + 5_000; // past the 300 s TTL, inside the stale window
    const calls = s.state.originCalls;
    pending = [];

    const [a, b] = await Promise.all([send(token, 'GetEntity', { id: 'o4' }), send(token, 'GetEntity', { id: 'o4' })]);
    await Promise.all(pending);

    expect([a.headers.get('x-cache'), b.headers.get('x-cache')]).toEqual(['STALE', 'STALE']);
    expect(s.state.originCalls - calls).toBe(1);
    clock = Date.now();
    expect((await send(token, 'GetEntity', { id: 'o4' })).headers.get('x-cache')).toBe('HIT');
  });

  it('keeps serving a held stale entry when the origin is down, and answers 503 with Retry-After when nothing is held', async () => {
    const tenant = testTenant('down');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    await seed(tenant, token, 'o5', 'Vehement');
    clock = Date.now();
    await send(token, 'GetEntity', { id: 'o5' });
    clock += 300_000 + 1_000;
    s.state.originDown = true;
    try {
      pending = [];
      const stale = await send(token, 'GetEntity', { id: 'o5' });
      await Promise.all(pending);
      const nothing = await send(token, 'GetEntity', { id: 'never-cached' });
      expect(stale.status).toBe(200);
      expect(stale.headers.get('x-cache')).toBe('STALE');
      expect(nothing.status).toBe(503);
      expect(nothing.headers.get('retry-after')).toBe('5');
    } finally {
      s.state.originDown = false;
      clock = Date.now();
    }
  });

  it('a token of tenant A never reads an entry of tenant B, even for the same entity id', async () => {
    const [ta, tb] = [testTenant('ta'), testTenant('tb')];
    const [tokA, tokB] = [
      await s.issuer.sign({ tenant: ta, roles: ['analyst'] }),
      await s.issuer.sign({ tenant: tb, roles: ['analyst'] }),
    ];
    await seed(ta, tokA, 'same', 'Alpha Only');
    await seed(tb, tokB, 'same', 'Beta Only');
    await send(tokA, 'GetEntity', { id: 'same' });
    const b = await send(tokB, 'GetEntity', { id: 'same' });
    expect(b.headers.get('x-cache')).toBe('MISS');
    expect(await b.text()).toContain('Beta Only');
  });
});

describe('edge rate limiting over the real Upstash endpoint', () => {
  let limited: Stack;
  beforeAll(async () => {
    limited = await realStack({
      config: { rateLimits: { tenant: { requests: 3, windowS: 60 }, subject: { requests: 100, windowS: 60 } } },
    });
  });
  afterAll(() => limited.close());

  it('answers 429 with Retry-After and the limit headers past the tenant limit', async () => {
    const token = await limited.issuer.sign({ tenant: testTenant('rl') });
    const call = () =>
      limited.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: apqBody('Search', { text: 'nothing' }),
      });
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call();
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-limit')).toBe('3');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(firstError(await last!.json()).code).toBe('RATE_LIMITED');
  });

  it('counts refused documents against the limit too, so a flood of bad documents is throttled', async () => {
    const token = await limited.issuer.sign({ tenant: testTenant('rl-bad') });
    const bad = (i: number) =>
      limited.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `query Q${i} { entity(id: "x") { id } }` }),
      });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) codes.push(firstError(await (await bad(i)).json()).code);
    expect(codes).toEqual([
      'PERSISTED_QUERY_NOT_IN_LIST',
      'PERSISTED_QUERY_NOT_IN_LIST',
      'PERSISTED_QUERY_NOT_IN_LIST',
      'RATE_LIMITED',
    ]);
  });
});

describe('edge rate limiting: tenant and subject limits in one script', () => {
  let limited: Stack;
  beforeAll(async () => {
    limited = await realStack({
      config: { rateLimits: { tenant: { requests: 5, windowS: 60 }, subject: { requests: 2, windowS: 60 } } },
    });
  });
  afterAll(() => limited.close());

  const call = async (tenant: string, sub: string) => {
    const token = await limited.issuer.sign({ tenant }, { sub });
    const res = await limited.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: apqBody('Search', { text: 'nothing' }),
    });
    return { status: res.status, message: res.status === 429 ? firstError(await res.json()).message : undefined };
  };

  it('refuses a subject past its own limit, then the tenant past its limit, and leaves other tenants alone', async () => {
    const tenant = testTenant('rl-both');
    const alice = [await call(tenant, 'alice'), await call(tenant, 'alice'), await call(tenant, 'alice')];
    expect(alice.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(alice[2]!.message).toBe('rate limit exceeded for subject alice');
    // alice's refused call did not spend the tenant's budget: bob gets 2, carol 1, then the tenant (5) is full.
    const rest = [await call(tenant, 'bob'), await call(tenant, 'bob'), await call(tenant, 'carol')];
    expect(rest.map((r) => r.status)).toEqual([200, 200, 200]);
    const full = await call(tenant, 'dave');
    expect(full).toEqual({ status: 429, message: `rate limit exceeded for tenant ${tenant}` });
    expect((await call(testTenant('rl-other'), 'alice')).status).toBe(200);
  });
});

describe('edge hit path over the Node adapter transport', () => {
  const sent: UpstashRequest[] = [];
  const transport = undiciRequester({ url: twin().upstashUrl, token: twin().upstashToken, connections: 4 });
  const counting: Requester = {
    request: (req) => {
      sent.push(req);
      return transport.request(req);
    },
  };
  let node: Stack;
  beforeAll(async () => {
    node = await realStack({ upstash: counting });
  });
  afterAll(async () => {
    await node.close();
    await transport.close();
  });

  it('answers a HIT with one Upstash call of one command (limits and cache read in one script run)', async () => {
    const token = await node.issuer.sign({ tenant: testTenant('one-call'), roles: ['analyst'] });
    const post = (op: string, variables: Record<string, unknown>) =>
      node.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: apqBody(op, variables),
      });
    const input = { id: 'h1', kind: 'ORGANISATION', names: ['Hooli'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    expect((await post('UpsertEntity', { input })).status).toBe(200);
    expect((await post('GetEntity', { id: 'h1' })).headers.get('x-cache')).toBe('MISS');
    sent.length = 0;
    const hit = await post('GetEntity', { id: 'h1' });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('ratelimit-limit')).not.toBeNull();
    expect(((await hit.json()) as { data: { entity: { names: string[] } } }).data.entity.names).toEqual(['Hooli']);
    expect(sent).toHaveLength(1);
    const commands = sent[0]!.body as unknown[][];
    expect(commands).toHaveLength(1);
    expect(String(commands[0]![0]).toLowerCase()).toBe('evalsha');
  });
});
