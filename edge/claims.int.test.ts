import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Neo4jGraphRepository } from '../functions/core/graph/index.js';
import { entityInput } from '../functions/core/graph/test-support/fixtures.js';
import { testTenant } from '../infra/local/test-support/twin.js';
import { apqBody, firstError } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

type Stack = Awaited<ReturnType<typeof realStack>>;
let s: Stack;
let sign: (claims: Record<string, unknown>) => Promise<string>;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  // An issuer that signs exactly the claims it is given: hostile tokens are validly signed, only their claims are bad.
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'raw', alg: 'ES256' };
  sign = (claims) =>
    new SignJWT({ iss: 'https://raw.test', aud: 'graphgate', iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'raw' })
      .sign(privateKey);
  s = await realStack({
    config: {
      jwt: { issuer: 'https://raw.test', audience: 'graphgate', jwks: { keys: [jwk as Record<string, unknown>] } },
    },
  });
});
afterAll(() => s.close());

async function send(token: string, op: string, variables: Record<string, unknown>) {
  return s.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: apqBody(op, variables),
  });
}

describe('the edge refuses tokens whose claims are not what they claim to be', () => {
  it('answers 401 UNAUTHENTICATED with the reason and a challenge, without calling the origin', async () => {
    const tenant = testTenant('claims');
    const hostile: [Record<string, unknown>, RegExp][] = [
      [{ sub: 'a', roles: 'reproducers' }, /^token claim roles /],
      [{ sub: 'a', roles: { r: 'investigator' } }, /^token claim roles /],
      [{ sub: 'a', roles: [{ r: 'investigator' }] }, /^token claim roles\[0\] /],
      [{ sub: 'a', roles: [7] }, /^token claim roles\[0\] /],
      [{ sub: 'a', clearances: 'pii' }, /^token claim clearances /],
      [{ sub: 'a', purposes: [''] }, /^token claim purposes\[0\] /],
      [{ sub: '' }, /^token claim sub /],
      [{ sub: 42 }, /^token claim sub /],
      [{ sub: { id: 'a' } }, /^token claim sub /],
      [{ sub: 'a', jti: { id: 'session' } }, /^token claim jti /],
      [{ sub: 'a', sid: 9 }, /^token claim sid /],
      [
        { sub: 'a', iat: now() + 10 * 365 * 86400, exp: now() + 10 * 365 * 86400 + 60 },
        /^token claim iat lies in the future/,
      ],
      [{ sub: 'a', iat: now(), exp: now() + 30 * 86400 }, /lifetime \(exp - iat\) exceeds/],
      [{ sub: 'a', nbf: now() + 3600 }, /^token is not valid yet/],
    ];
    const before = s.state.originCalls;
    for (const [claims, reason] of hostile) {
      const res = await send(await sign({ tenant, ...claims }), 'Search', { text: 'x' });
      const body = firstError(await res.json());
      expect(res.status, JSON.stringify(claims)).toBe(401);
      expect(body.code).toBe('UNAUTHENTICATED');
      expect(body.message).toMatch(reason);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="graphgate", error="invalid_token"/);
    }
    expect(s.state.originCalls).toBe(before);
  });

  it('no longer lets an object roles claim read what only an investigator may', async () => {
    const tenant = testTenant('objroles');
    await new Neo4jGraphRepository(s.origin.driver).upsertEntity(
      tenant,
      entityInput({ id: 'p1', names: ['Pat Private'] }),
    );
    const investigator = await sign({ tenant, sub: 'inv', roles: ['investigator'], clearances: ['pii'] });
    expect(JSON.stringify(await (await send(investigator, 'GetEntity', { id: 'p1' })).json())).toContain('Pat Private');

    const smuggled = await sign({ tenant, sub: 'x', roles: { a: 'investigator' }, clearances: { a: 'pii' } });
    const res = await send(smuggled, 'GetEntity', { id: 'p1' });
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).not.toContain('Pat Private');
  });

  it('serves a well-formed token, including a 12 h one like the local development tokens', async () => {
    const tenant = testTenant('goodtok');
    const token = await sign({ tenant, sub: 'dev-user', roles: ['analyst'], exp: now() + 12 * 3600 });
    const res = await send(token, 'Search', { text: 'anything' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { search: [] } });
  });
});
