import { describe, expect, it } from 'vitest';
import { SignatureError } from './errors.js';
import { type InternalClaims, signInternalRequest, verifyInternalRequest } from './internal-request.js';

const key = { kid: 'k1', secret: 'test-secret-one' };
const claims: InternalClaims = { tenant: 'acme', subject: 'alice', attributes: { roles: ['analyst'] } };
const req = { method: 'POST', path: '/graphql', body: new TextEncoder().encode('{"a":1}') };

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof SignatureError ? err.code : 'other';
  }
}

describe('internal request signature', () => {
  it('verifies what it signed and returns the claims', async () => {
    const headers = new Headers(await signInternalRequest(key, req, claims));
    await expect(verifyInternalRequest(headers, req, { keys: [key] })).resolves.toEqual(claims);
  });

  it('rejects a missing signature as UNSIGNED_REQUEST', async () => {
    expect(await codeOf(verifyInternalRequest(new Headers(), req, { keys: [key] }))).toBe('UNSIGNED_REQUEST');
  });

  it('rejects a changed body, path, tenant or claims as BAD_SIGNATURE', async () => {
    const signed = await signInternalRequest(key, req, claims);
    const body = { ...req, body: new TextEncoder().encode('{"a":2}') };
    expect(await codeOf(verifyInternalRequest(new Headers(signed), body, { keys: [key] }))).toBe('BAD_SIGNATURE');
    expect(await codeOf(verifyInternalRequest(new Headers(signed), { ...req, path: '/x' }, { keys: [key] }))).toBe(
      'BAD_SIGNATURE',
    );
    const otherTenant = new Headers({ ...signed, 'x-gg-tenant': 'evil' });
    expect(await codeOf(verifyInternalRequest(otherTenant, req, { keys: [key] }))).toBe('BAD_SIGNATURE');
    const forged = await signInternalRequest(key, req, { ...claims, tenant: 'evil' });
    const swapped = new Headers({ ...signed, 'x-gg-claims': forged['x-gg-claims']! });
    expect(await codeOf(verifyInternalRequest(swapped, req, { keys: [key] }))).toBe('BAD_SIGNATURE');
  });

  it('rejects a signature made with another secret', async () => {
    const headers = new Headers(await signInternalRequest({ kid: 'k1', secret: 'other' }, req, claims));
    expect(await codeOf(verifyInternalRequest(headers, req, { keys: [key] }))).toBe('BAD_SIGNATURE');
  });

  it('rejects timestamps outside the skew window and accepts inside it', async () => {
    const now = 1_800_000_000_000;
    const old = new Headers(await signInternalRequest(key, req, claims, now - 61_000));
    const near = new Headers(await signInternalRequest(key, req, claims, now - 59_000));
    expect(await codeOf(verifyInternalRequest(old, req, { keys: [key], now }))).toBe('SIGNATURE_EXPIRED');
    await expect(verifyInternalRequest(near, req, { keys: [key], now })).resolves.toEqual(claims);
  });

  it('accepts the previous key during rotation, chosen by kid', async () => {
    const previous = { kid: 'k0', secret: 'old-secret' };
    const headers = new Headers(await signInternalRequest(previous, req, claims));
    await expect(verifyInternalRequest(headers, req, { keys: [key, previous] })).resolves.toEqual(claims);
  });
});
