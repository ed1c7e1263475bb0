import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepUpStack } from '../../infra/local/test-support/stepup-stack.js';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { createVerifier, jwtOptionsSchema } from '../core/auth/index.js';
import { createStepUpApp } from './app.js';

const pageOrigin = 'http://localhost:4300';
let stack: Awaited<ReturnType<typeof stepUpStack>>;
let raw: ReturnType<typeof createStepUpApp>;
let sign: (claims: Record<string, unknown>) => Promise<string>;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  stack = await stepUpStack({ pageOrigin });
  // The same service and stores behind an issuer that signs exactly the claims it is given.
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'raw', alg: 'ES256' };
  sign = (claims) =>
    new SignJWT({ iss: 'https://raw.test', aud: 'graphgate', iat: now(), exp: now() + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'raw' })
      .sign(privateKey);
  const jwt = jwtOptionsSchema.parse({ issuer: 'https://raw.test', audience: 'graphgate', jwks: { keys: [jwk] } });
  raw = createStepUpApp({ service: stack.service, verify: createVerifier(jwt) });
});
afterAll(() => stack?.close());

const post = (app: typeof raw, path: string, token: string, init: RequestInit = {}) =>
  app.request(path, {
    method: 'POST',
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  } as RequestInit);

describe('step-up refuses what it cannot type or hold', () => {
  it('refuses object subjects and session ids with 401 before they reach the passkey store', async () => {
    const tenant = testTenant('suclaims');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ tenant, sub: { id: 'a' }, sid: 's1' }, /^token claim sub /],
      [{ tenant, sub: { id: 'b' }, sid: 's1' }, /^token claim sub /],
      [{ tenant, sub: 'alice', jti: { session: 1 } }, /^token claim jti /],
      [{ tenant, sub: 'alice', sid: ['s'] }, /^token claim sid /],
    ];
    for (const [claims, reason] of cases) {
      const res = await post(raw, '/stepup/register/options', await sign(claims), { body: '{}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(reason) });
    }
    const fine = await post(raw, '/stepup/register/options', await sign({ tenant, sub: 'alice', sid: 's1' }), {
      body: '{}',
    });
    expect(fine.status).toBe(200);
  });

  it('answers an oversized body with 413, declared or streamed, and stops reading it', async () => {
    const tenant = testTenant('subig');
    const token = await stack.issuer.sign({ tenant, roles: ['analyst'], sid: 's1' });
    const declared = await post(stack.stepUp, '/stepup/register/verify', token, { body: 'x'.repeat(40 * 1024) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    });
    const streamed = await post(stack.stepUp, '/stepup/authenticate/verify', token, {
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(pulled).toBeLessThan(256 * 1024);
  });
});
