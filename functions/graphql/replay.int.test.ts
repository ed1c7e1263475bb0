import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedOriginRequest } from '../../infra/local/origin-request.js';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { operationByName } from '../core/manifest/index.js';
import { signInternalRequest } from '../core/signing/internal-request.js';
import { nonceKey } from '../core/signing/nonces.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

type Origin = Awaited<ReturnType<typeof realOrigin>>;
let o: Origin;
beforeAll(async () => {
  o = await realOrigin();
});
afterAll(() => o.close());

const code = async (res: Response) => ((await res.json()) as { code?: string }).code;

/** Builds the request twice from the same signed headers and body, as a replaying eavesdropper would. */
async function twice(req: Request): Promise<[Request, Request]> {
  const body = await req.text();
  const copy = () => new Request(req.url, { method: req.method, headers: req.headers, body });
  return [copy(), copy()];
}

describe('edge→origin signatures cannot be replayed or extended', () => {
  it('serves a signed request once and refuses its replay with 401 REPLAYED_REQUEST', async () => {
    const tenant = testTenant('replay');
    const [first, again] = await twice(
      await signedGraphqlRequest({ tenant, operation: 'Search', variables: { text: 'x' } }),
    );
    const served = await o.yoga.fetch(first);
    const replayed = await o.yoga.fetch(again);
    expect(served.status).toBe(200);
    expect(replayed.status).toBe(401);
    expect(await code(replayed)).toBe('REPLAYED_REQUEST');
    expect(replayed.headers.get('www-authenticate')).toMatch(/^GG-HMAC/);
  });

  it('refuses the replay of a write, which therefore runs once', async () => {
    const tenant = testTenant('replayw');
    const input = { id: 'r1', kind: 'ORGANISATION', names: ['Once Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const [first, again] = await twice(
      await signedGraphqlRequest({ tenant, operation: 'UpsertEntity', variables: { input } }),
    );
    expect((await o.yoga.fetch(first)).status).toBe(200);
    const replayed = await o.yoga.fetch(again);
    expect(replayed.status).toBe(401);
    expect(await code(replayed)).toBe('REPLAYED_REQUEST');
  });

  it('keeps the nonce in Upstash under the tenant for no longer than the replay window needs', async () => {
    const tenant = testTenant('nonce');
    const req = await signedGraphqlRequest({ tenant, operation: 'Search', variables: { text: 'x' } });
    const key = nonceKey(tenant, req.headers.get('x-gg-nonce')!);
    expect(key).toContain(tenant);
    expect((await o.yoga.fetch(req)).status).toBe(200);
    const ttl = await o.redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61);
  });

  it('refuses a step-up grant or bookmark added or changed after signing with 401 BAD_SIGNATURE', async () => {
    const tenant = testTenant('fwd');
    const base = { tenant, operation: 'Search', variables: { text: 'x' } };
    const added = await signedGraphqlRequest(base);
    added.headers.set('x-gg-step-up-grant', 'grant-stolen-elsewhere');
    const changed = await signedGraphqlRequest({ ...base, headers: { 'x-gg-step-up-grant': 'grant-a' } });
    changed.headers.set('x-gg-step-up-grant', 'grant-b');
    const bookmark = await signedGraphqlRequest(base);
    bookmark.headers.set('x-gg-bookmark', 'gb1.a.b');
    for (const req of [added, changed, bookmark]) {
      const res = await o.yoga.fetch(req);
      expect(res.status).toBe(401);
      expect(await code(res)).toBe('BAD_SIGNATURE');
    }
  });

  it('refuses a signature older than the 30 s window with 401 SIGNATURE_EXPIRED', async () => {
    const tenant = testTenant('window');
    const body = JSON.stringify({
      extensions: { persistedQuery: { version: 1, sha256Hash: operationByName('Search').id } },
    });
    const claims = { tenant, subject: 's', attributes: { roles: ['analyst'] } };
    const signed = await signInternalRequest(
      testKey,
      { method: 'POST', path: '/graphql', body },
      claims,
      Date.now() - 45_000,
    );
    const res = await o.yoga.fetch(
      new Request('http://origin.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed },
        body,
      }),
    );
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('SIGNATURE_EXPIRED');
  });

  it('accepts what the local tools sign (npm run gql), bookmark included', async () => {
    const tenant = testTenant('tools');
    const claims = { tenant, subject: 'dev-user', attributes: { roles: ['analyst'] } };
    const input = { id: 't1', kind: 'ORGANISATION', names: ['Tools Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const url = 'http://origin.local/graphql';
    const write = await o.yoga.fetch(
      await signedOriginRequest({ url, key: testKey, operation: 'UpsertEntity', variables: { input }, claims }),
    );
    const bookmark = write.headers.get('x-gg-bookmark')!;
    const read = await o.yoga.fetch(
      await signedOriginRequest({
        url,
        key: testKey,
        operation: 'GetEntity',
        variables: { id: 't1' },
        claims,
        headers: { 'x-gg-bookmark': bookmark },
      }),
    );
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ data: { entity: expect.objectContaining({ names: ['Tools Ltd'] }) } });
  });
});
