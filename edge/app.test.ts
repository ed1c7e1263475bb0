import { describe, expect, it } from 'vitest';
import { apqBody, apqQuery, buildTestEdge, edgeConfig, recordingOrigin, testIssuer } from './test-support/fixtures.js';

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
  return ((await res.json()) as { code: string }).code;
}

describe('edge request handling', () => {
  it('rejects an unknown persisted id with 400 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const { post } = await setup();
    const res = await post(
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    );
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('rejects a document sent instead of an id with 400 PERSISTED_QUERY_ONLY', async () => {
    const { post } = await setup();
    const res = await post(JSON.stringify({ query: '{ entity(id: "1") { id } }' }));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('PERSISTED_QUERY_ONLY');
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
