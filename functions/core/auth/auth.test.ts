import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../config/env.js';
import { HttpError } from '../http/errors.js';
import { jwtOptionsFromEnv } from './env.js';
import { createVerifier } from './jwt.js';
import { isTenant } from './tenant.js';

async function issuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const sign = (claims: Record<string, unknown>, exp: string | number = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://issuer.test')
      .setAudience('graphgate')
      .setSubject('alice')
      .setExpirationTime(exp)
      .sign(privateKey);
  const env = {
    JWT_ISSUER: 'https://issuer.test',
    JWT_AUDIENCE: 'graphgate',
    JWT_JWKS: JSON.stringify({ keys: [jwk] }),
  };
  return { sign, env };
}

describe('tenant pattern', () => {
  it('takes lowercase ids of at most 63 characters and nothing that could reach another prefix', () => {
    for (const t of ['a', '0', 'acme-eu', 'a'.repeat(63)]) expect(isTenant(t)).toBe(true);
    for (const t of ['', 'Acme', '-a', 'a:b', 'a'.repeat(64), 42, undefined]) expect(isTenant(t)).toBe(false);
  });
});

describe('JWT verifier', () => {
  it('returns the identity of a valid token', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier(jwtOptionsFromEnv(env, 'test'));
    const identity = await verify(`Bearer ${await sign({ tenant: 'acme', sid: 's1', roles: ['analyst'] })}`);
    expect(identity).toEqual({
      tenant: 'acme',
      subject: 'alice',
      sessionId: 's1',
      attributes: { roles: ['analyst'], clearances: [], purposes: [] },
    });
  });

  it('refuses a missing, expired or tenant-less token with 401 and a Bearer challenge', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier(jwtOptionsFromEnv(env, 'test'));
    const cases: [string | undefined, string][] = [
      [undefined, 'missing bearer token'],
      [`Bearer ${await sign({ tenant: 'acme' }, Math.floor(Date.now() / 1000) - 3600)}`, 'token expired'],
      [`Bearer ${await sign({ tenant: 'Not A Tenant' })}`, 'token has no valid tenant claim'],
      ['Bearer not-a-jwt', 'token invalid'],
    ];
    for (const [authorization, message] of cases) {
      const err = await verify(authorization).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message });
      expect((err as HttpError).headers['www-authenticate']).toMatch(/^Bearer realm="graphgate", error="invalid_/);
    }
  });

  it('names the variables when the environment has no key source or a bad one', () => {
    const base = { JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(() => jwtOptionsFromEnv(base, 'intake API')).toThrow(ConfigError);
    expect(() => jwtOptionsFromEnv(base, 'intake API')).toThrow(/intake API .*JWT_JWKS_URL or JWT_JWKS/);
    expect(() => jwtOptionsFromEnv({ ...base, JWT_JWKS: '{' }, 'x')).toThrow(/JWT_JWKS is not JSON/);
    expect(() => jwtOptionsFromEnv({ ...base, JWT_JWKS: '[]' }, 'x')).toThrow(/JWT_JWKS is not a JWK set/);
  });
});

describe('JWT verifier memo', () => {
  afterEach(() => vi.useRealTimers());

  const memo = { maxEntries: 2, maxAgeS: 300 };

  it('answers a repeated token from the memo with the same identity', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier(jwtOptionsFromEnv(env, 'test'), memo);
    const token = `Bearer ${await sign({ tenant: 'acme', roles: ['analyst'] })}`;
    const first = await verify(token);
    expect(await verify(token)).toBe(first);
  });

  it('refuses a memoised token once it is past its exp (and the skew), never serving it from the memo', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier({ ...jwtOptionsFromEnv(env, 'test'), clockSkewS: 0 }, memo);
    const t0 = Date.now();
    const token = `Bearer ${await sign({ tenant: 'acme' }, Math.floor(t0 / 1000) + 60)}`;
    vi.useFakeTimers({ now: t0, toFake: ['Date'] });
    expect((await verify(token)).tenant).toBe('acme');
    vi.setSystemTime(t0 + 61_000);
    await expect(verify(token)).rejects.toMatchObject({ status: 401, message: 'token expired' });
  });

  it('re-verifies a token after the memo age even when exp is later', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier(jwtOptionsFromEnv(env, 'test'), { maxEntries: 2, maxAgeS: 60 });
    const token = `Bearer ${await sign({ tenant: 'acme' }, '2h')}`;
    const t0 = Date.now();
    vi.useFakeTimers({ now: t0, toFake: ['Date'] });
    const first = await verify(token);
    vi.setSystemTime(t0 + 61_000);
    const again = await verify(token);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('does not memoise a refusal, and a memoised tenant never answers for another token', async () => {
    const { sign, env } = await issuer();
    const verify = createVerifier(jwtOptionsFromEnv(env, 'test'), memo);
    const good = await sign({ tenant: 'acme' });
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(86)}`;
    await verify(`Bearer ${good}`);
    for (let i = 0; i < 2; i++) {
      await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({ status: 401, message: 'token invalid' });
    }
    const other = await verify(`Bearer ${await sign({ tenant: 'beta' })}`);
    expect(other.tenant).toBe('beta');
    await expect(verify(undefined)).rejects.toMatchObject({ status: 401, message: 'missing bearer token' });
  });
});
