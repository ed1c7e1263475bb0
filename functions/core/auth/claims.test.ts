import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors.js';
import { jwtOptionsFromEnv } from './env.js';
import { createVerifier, type Verify } from './jwt.js';

const now = () => Math.floor(Date.now() / 1000);
let sign: (claims: Record<string, unknown>) => Promise<string>;
let verify: Verify;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  // Every registered claim comes from `claims`, so each test states exactly what the token carries.
  sign = (claims) =>
    new SignJWT({ iss: 'https://issuer.test', aud: 'graphgate', tenant: 'acme', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
  verify = createVerifier(
    jwtOptionsFromEnv(
      { JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'graphgate', JWT_JWKS: JSON.stringify({ keys: [jwk] }) },
      'test',
    ),
  );
});

const valid = () => ({ sub: 'alice', iat: now(), exp: now() + 300 });

async function refusal(claims: Record<string, unknown>): Promise<HttpError> {
  const err = await verify(`Bearer ${await sign(claims)}`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HttpError);
  const e = err as HttpError;
  expect(e).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  expect(e.headers['www-authenticate']).toMatch(
    /^Bearer realm="graphgate", error="invalid_token", error_description="[^"]+"$/,
  );
  return e;
}

describe('JWT claims are typed by the verifier', () => {
  it('returns typed attributes for a well-formed token, empty lists for absent ones', async () => {
    const token = await sign({ ...valid(), jti: 'j1', roles: ['producer'], purposes: ['investigation'] });
    expect(await verify(`Bearer ${token}`)).toEqual({
      tenant: 'acme',
      subject: 'alice',
      sessionId: 'j1',
      attributes: { roles: ['producer'], clearances: [], purposes: ['investigation'] },
    });
  });

  it('refuses a sub that is empty, a number, an object or too long', async () => {
    for (const sub of ['', 42, { id: 'alice' }, 'x'.repeat(257)]) {
      expect((await refusal({ ...valid(), sub })).message).toMatch(/^token claim sub /);
    }
    expect((await refusal({ exp: now() + 60 })).message).toBe('token claim sub is missing');
  });

  it('refuses roles, clearances and purposes that are not bounded lists of non-empty strings', async () => {
    const bad: unknown[] = ['reproducers', { investigator: true }, [42], [''], [['analyst']], ['x'.repeat(65)]];
    bad.push(Array.from({ length: 33 }, (_, i) => `r${i}`));
    for (const claim of ['roles', 'clearances', 'purposes']) {
      for (const value of bad) {
        expect((await refusal({ ...valid(), [claim]: value })).message).toMatch(new RegExp(`^token claim ${claim}`));
      }
    }
  });

  it('refuses sid and jti that are not non-empty bounded strings', async () => {
    for (const claim of ['sid', 'jti']) {
      for (const value of [{ id: 's' }, 7, '', 'x'.repeat(129)]) {
        expect((await refusal({ ...valid(), [claim]: value })).message).toMatch(new RegExp(`^token claim ${claim} `));
      }
    }
  });

  it('refuses an iat ahead of now beyond the clock skew, and accepts one within it', async () => {
    const tenYears = now() + 10 * 365 * 86400;
    expect((await refusal({ sub: 'a', iat: tenYears, exp: tenYears + 60 })).message).toBe(
      'token claim iat lies in the future',
    );
    await expect(verify(`Bearer ${await sign({ ...valid(), iat: now() + 20 })}`)).resolves.toMatchObject({
      subject: 'alice',
    });
  });

  it('refuses a lifetime over 24 h, measured as exp - iat and as exp - now', async () => {
    expect((await refusal({ sub: 'a', iat: now() - 3600, exp: now() + 86400 })).message).toMatch(
      /lifetime \(exp - iat\) exceeds 86400 s/,
    );
    expect((await refusal({ sub: 'a', exp: now() + 2 * 86400 })).message).toMatch(/exp lies more than 86400 s ahead/);
  });

  it('honours nbf: a token not valid yet is refused with that reason', async () => {
    expect((await refusal({ ...valid(), nbf: now() + 600 })).message).toBe('token is not valid yet (nbf)');
  });

  it('refuses non-numeric time claims', async () => {
    expect((await refusal({ sub: 'a', exp: now() + 60, iat: 'yesterday' })).message).toMatch(/^token claim iat/);
  });

  it('accepts a 12 h token like the local development tokens', async () => {
    await expect(verify(`Bearer ${await sign({ sub: 'dev', iat: now(), exp: now() + 12 * 3600 })}`)).resolves.toEqual(
      expect.objectContaining({ subject: 'dev' }),
    );
  });

  it('takes a longer lifetime only from configuration', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k2', alg: 'ES256' };
    const env = { JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS: JSON.stringify({ keys: [jwk] }) };
    const longer = createVerifier(jwtOptionsFromEnv({ ...env, JWT_MAX_LIFETIME_S: 3 * 86400 }, 'test'));
    const token = await new SignJWT({ tenant: 'acme', sub: 's', iat: now(), exp: now() + 2 * 86400 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
      .setIssuer('i')
      .setAudience('a')
      .sign(privateKey);
    await expect(longer(`Bearer ${token}`)).resolves.toMatchObject({ subject: 's' });
  });
});
