import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { operationByName } from '../functions/core/manifest/index.js';
import {
  apqBody,
  apqQuery,
  buildTestEdge,
  edgeConfig,
  firstError,
  recordingOrigin,
  testIssuer,
} from './test-support/fixtures.js';

const ok = () => ({ status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: '{"data":{}}' });

async function setup() {
  const issuer = await testIssuer();
  const origin = recordingOrigin(ok);
  // Redis points at a closed port: these tests cover everything decided before or without the cache.
  const { app, metrics } = buildTestEdge({ config: edgeConfig({ jwks: issuer.jwks }), callOrigin: origin.callOrigin });
  const token = await issuer.sign({ tenant: 'acme', roles: ['analyst'] });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body,
    });
  return { app, metrics, origin, issuer, token, post };
}

async function codeOf(res: Response) {
  return firstError(await res.json()).code;
}

describe('edge request handling', () => {
  it('answers an unknown APQ hash as APQ clients expect, and an unknown documentId as not in the list', async () => {
    const { post, origin } = await setup();
    const apq = await post(
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    );
    const byId = await post(JSON.stringify({ documentId: `sha256:${'b'.repeat(64)}` }));
    const apqBody = await apq.json();
    expect(apq.status).toBe(400);
    expect(apqBody).toEqual({
      errors: [
        {
          message: 'PersistedQueryNotFound',
          extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }),
        },
      ],
    });
    expect(byId.status).toBe(400);
    expect(await codeOf(byId)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(origin.calls).toHaveLength(0);
  });

  it('runs a registered document sent in full, as the registered operation, and refuses any other', async () => {
    const { post, origin } = await setup();
    const entry = operationByName('GetEntity');
    // The client's own printing: no __typename, fragments first, its own whitespace.
    const sent = `fragment EntityFields on Entity { id kind names attributes dataClass licence
      sources { system recordId retrievedAt } createdAt updatedAt }
      query GetEntity($id: ID!) { entity(id: $id) { ...EntityFields } }`;
    const known = await post(JSON.stringify({ query: sent, variables: { id: 'e1' } }));
    const unknown = await post(JSON.stringify({ query: '{ entity(id: "1") { id } }' }));
    const broken = await post(JSON.stringify({ query: 'query { entity(' }));
    expect(known.status).toBe(200);
    expect(origin.calls.map((c) => c.operation.id)).toEqual([entry.id]);
    expect(unknown.status).toBe(400);
    expect(await codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(broken.status).toBe(400);
    expect(await codeOf(broken)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('learns the hash of a recognised document, so an APQ retry is followed by hash-only hits', async () => {
    const { post, origin } = await setup();
    const sent = operationByName('Search').document.replaceAll('\n', ' ');
    const hash = createHash('sha256').update(sent).digest('hex');
    const apq = (query?: string) =>
      post(
        JSON.stringify({
          query,
          variables: { text: 'x' },
          extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        }),
      );
    const first = await apq();
    const retry = await apq(sent);
    const again = await apq();
    const forged = await post(
      JSON.stringify({ query: sent, extensions: { persistedQuery: { version: 1, sha256Hash: 'c'.repeat(64) } } }),
    );
    expect([first.status, retry.status, again.status]).toEqual([400, 200, 200]);
    expect(origin.calls).toHaveLength(2);
    expect(forged.status).toBe(400);
    expect(await codeOf(forged)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('accepts documentId, bare or sha256-prefixed, by POST and GET, as the same operation', async () => {
    const { app, post, token, origin } = await setup();
    const id = operationByName('Search').id;
    const viaPost = await post(JSON.stringify({ documentId: `sha256:${id}`, variables: { text: 'x' } }));
    const qs = new URLSearchParams({ documentId: id, variables: JSON.stringify({ text: 'x' }) });
    const viaGet = await app.request(`/graphql?${qs}`, { headers: { authorization: `Bearer ${token}` } });
    expect([viaPost.status, viaGet.status]).toEqual([200, 200]);
    expect(origin.calls.map((c) => c.operation.id)).toEqual([id, id]);
  });

  it('answers errors as GraphQL errors only, in the media type the client accepts', async () => {
    const { post } = await setup();
    const bad = JSON.stringify({ documentId: 'nope' });
    const cases: [string | undefined, number, string][] = [
      [undefined, 400, 'application/json'],
      ['*/*', 400, 'application/json'],
      ['application/json', 400, 'application/json'],
      ['application/graphql-response+json', 400, 'application/graphql-response+json'],
      ['application/json;q=0.5, application/graphql-response+json', 400, 'application/graphql-response+json'],
      ['text/html', 406, 'application/json'],
    ];
    for (const [accept, status, type] of cases) {
      const res = await post(bad, accept === undefined ? {} : { accept });
      const body = (await res.json()) as Record<string, unknown>;
      expect([accept, res.status, res.headers.get('content-type')]).toEqual([accept, status, `${type}; charset=utf-8`]);
      expect(Object.keys(body)).toEqual(['errors']);
      expect([res.headers.get('cache-control'), res.headers.get('vary')]).toEqual([
        'no-store',
        'authorization, accept',
      ]);
    }
  });

  it('refuses ids beside a document that do not name it, and two ids that disagree', async () => {
    const { post } = await setup();
    const get = operationByName('GetEntity');
    const search = operationByName('Search');
    const sent = get.document.replaceAll('\n', ' ');
    const cases: [Record<string, unknown>, string][] = [
      [{ query: sent, documentId: search.id }, 'PERSISTED_QUERY_HASH_MISMATCH'],
      [{ query: sent, documentId: `sha1:${'a'.repeat(40)}` }, 'PERSISTED_QUERY_HASH_MISMATCH'],
      [{ query: sent, documentId: get.id.toUpperCase() }, ''],
      [
        {
          documentId: `sha256:${get.id.toUpperCase()}`,
          extensions: { persistedQuery: { version: 1, sha256Hash: get.id } },
        },
        '',
      ],
      [{ documentId: get.id, extensions: { persistedQuery: { version: 1, sha256Hash: search.id } } }, 'BAD_REQUEST'],
      [{ query: 'fragment F on Entity { id }' }, 'BAD_REQUEST'],
    ];
    for (const [body, code] of cases) {
      const res = await post(JSON.stringify({ ...body, variables: { id: 'e1' } }));
      const got = res.status === 200 ? '' : firstError(await res.json()).code;
      expect([JSON.stringify(body).slice(0, 60), got]).toEqual([JSON.stringify(body).slice(0, 60), code]);
    }
  });

  it('refuses request bodies declared in a response media type or a charset other than UTF-8 with 415', async () => {
    const { post } = await setup();
    const body = apqBody('Search', { text: 'x' });
    const responseType = await post(body, { 'content-type': 'application/graphql-response+json' });
    const latin1 = await post(body, { 'content-type': 'application/json; charset=iso-8859-1' });
    const utf8 = await post(body, { 'content-type': 'application/json; charset=UTF-8' });
    expect([responseType.status, latin1.status, utf8.status]).toEqual([415, 415, 200]);
    expect(await codeOf(latin1)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('forwards the negotiated media type to the origin', async () => {
    const { post, origin } = await setup();
    await post(apqBody('Search', { text: 'x' }), { accept: 'application/graphql-response+json, application/json' });
    await post(apqBody('Search', { text: 'y' }), { accept: 'application/json' });
    expect(origin.calls.map((c) => c.accept)).toEqual(['application/graphql-response+json', 'application/json']);
  });

  it('rejects oversized bodies and variables with 413', async () => {
    const { post } = await setup();
    const big = await post(apqBody('GetEntity', { id: 'x'.repeat(20_000) }));
    const vars = await post(apqBody('Search', { text: 'y'.repeat(9_000) }));
    expect(big.status).toBe(413);
    expect(vars.status).toBe(413);
    expect(await codeOf(vars)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers wrong methods with 405 and wrong content types with 415', async () => {
    const { app, post, token } = await setup();
    const put = await app.request('/graphql', { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    const text = await post(apqBody('GetEntity', { id: '1' }), { 'content-type': 'text/plain' });
    const getWrite = await app.request(apqQuery('UpsertEntity', {}), { headers: { authorization: `Bearer ${token}` } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(text.status).toBe(415);
    expect(getWrite.status).toBe(405);
  });

  it('answers malformed JSON and non-object variables with 400', async () => {
    const { post } = await setup();
    expect((await post('{oops')).status).toBe(400);
    expect((await post('[1,2]')).status).toBe(400);
    const res = await post(JSON.stringify({ variables: [1], extensions: JSON.parse(apqBody('GetEntity')).extensions }));
    expect(res.status).toBe(400);
  });

  it('answers variables with a lone surrogate (no canonical JSON form) with 400 BAD_REQUEST, never a 500', async () => {
    const { post, origin } = await setup();
    const body = apqBody('Search', { text: 'PLACEHOLDER' }).replace('PLACEHOLDER', '\\ud800');
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('BAD_REQUEST');
    expect(origin.calls).toHaveLength(0);
  });

  it('requires a valid token: missing, forged, expired, wrong audience or no tenant → 401 with WWW-Authenticate', async () => {
    const { app, issuer } = await setup();
    const other = await testIssuer();
    const send = (auth?: string) =>
      app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: apqBody('GetEntity', { id: '1' }),
      });
    const cases = [
      undefined,
      'Bearer not-a-jwt',
      `Bearer ${await other.sign({ tenant: 'acme' })}`,
      `Bearer ${await issuer.sign({ tenant: 'acme' }, { exp: Math.floor(Date.now() / 1000) - 600 })}`,
      `Bearer ${await issuer.sign({ tenant: 'acme' }, { aud: 'someone-else' })}`,
      `Bearer ${await issuer.sign({})}`,
      `Bearer ${await issuer.sign({ tenant: 'ACME:evil' })}`,
    ];
    for (const auth of cases) {
      const res = await send(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="graphgate"/);
    }
  });

  it('forwards a mutation to the origin as BYPASS with the verified tenant', async () => {
    const { post, origin } = await setup();
    const res = await post(apqBody('UpsertEntity', { input: { kind: 'PERSON', names: ['A'] } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('BYPASS');
    expect(origin.calls).toHaveLength(1);
    expect(origin.calls[0]!.identity.tenant).toBe('acme');
    expect(origin.calls[0]!.operation.name).toBe('UpsertEntity');
  });

  it('fails open to the origin when the cache is unreachable, counting it', async () => {
    const { post, origin, metrics } = await setup();
    const res = await post(apqBody('GetEntity', { id: '1' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect(origin.calls).toHaveLength(1);
    expect(metrics.counters.cache_fail_open).toBeGreaterThanOrEqual(1);
  });

  it('serves GET persisted queries too', async () => {
    const { app, token, origin } = await setup();
    const res = await app.request(apqQuery('GetEntity', { id: '1' }), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(origin.calls[0]!.variables).toEqual({ id: '1' });
  });

  it('answers 503 with Retry-After when the origin fails and nothing is cached', async () => {
    const issuer = await testIssuer();
    const origin = recordingOrigin(() => ({ status: 502, headers: new Headers(), body: 'bad gateway' }));
    const { app } = buildTestEdge({ config: edgeConfig({ jwks: issuer.jwks }), callOrigin: origin.callOrigin });
    const res = await app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await issuer.sign({ tenant: 'acme' })}` },
      body: apqBody('GetEntity', { id: '1' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await codeOf(res)).toBe('ORIGIN_UNAVAILABLE');
  });

  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const { app } = await setup();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe('NOT_FOUND');
  });
});
