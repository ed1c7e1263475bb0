import { describe, expect, it } from 'vitest';
import { SignatureError } from './errors.js';
import { hmac, sha256Hex, toBase64Url } from './hmac.js';
import {
  type InternalClaims,
  signInternalRequest,
  type VerifyOptions,
  verifyInternalRequest,
} from './internal-request.js';
import { MemoryNonceStore } from './memory-nonces.js';

const key = { kid: 'k1', secret: 'test-secret-one' };
const claims: InternalClaims = { tenant: 'acme', subject: 'alice', attributes: { roles: ['analyst'] } };
const req = { method: 'POST', path: '/graphql', body: new TextEncoder().encode('{"a":1}') };
const opts = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  keys: [key],
  nonces: new MemoryNonceStore(),
  ...extra,
});

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
    await expect(verifyInternalRequest(headers, req, opts())).resolves.toEqual(claims);
  });

  it('rejects a missing signature or nonce as UNSIGNED_REQUEST, a malformed nonce as MALFORMED_SIGNATURE', async () => {
    expect(await codeOf(verifyInternalRequest(new Headers(), req, opts()))).toBe('UNSIGNED_REQUEST');
    const noNonce = new Headers(await signInternalRequest(key, req, claims));
    noNonce.delete('x-gg-nonce');
    expect(await codeOf(verifyInternalRequest(noNonce, req, opts()))).toBe('UNSIGNED_REQUEST');
    const badNonce = new Headers(await signInternalRequest(key, req, claims));
    badNonce.set('x-gg-nonce', 'short!');
    expect(await codeOf(verifyInternalRequest(badNonce, req, opts()))).toBe('MALFORMED_SIGNATURE');
  });

  it('rejects a changed body, path, tenant, nonce or claims as BAD_SIGNATURE', async () => {
    const signed = await signInternalRequest(key, req, claims);
    const body = { ...req, body: new TextEncoder().encode('{"a":2}') };
    expect(await codeOf(verifyInternalRequest(new Headers(signed), body, opts()))).toBe('BAD_SIGNATURE');
    expect(await codeOf(verifyInternalRequest(new Headers(signed), { ...req, path: '/x' }, opts()))).toBe(
      'BAD_SIGNATURE',
    );
    const otherTenant = new Headers({ ...signed, 'x-gg-tenant': 'evil' });
    expect(await codeOf(verifyInternalRequest(otherTenant, req, opts()))).toBe('BAD_SIGNATURE');
    const otherNonce = new Headers({ ...signed, 'x-gg-nonce': 'A'.repeat(22) });
    expect(await codeOf(verifyInternalRequest(otherNonce, req, opts()))).toBe('BAD_SIGNATURE');
    const forged = await signInternalRequest(key, req, { ...claims, tenant: 'evil' });
    const swapped = new Headers({ ...signed, 'x-gg-claims': forged['x-gg-claims']! });
    expect(await codeOf(verifyInternalRequest(swapped, req, opts()))).toBe('BAD_SIGNATURE');
  });

  it('covers every forwarded header: added, dropped or changed breaks the signature', async () => {
    const grant = { 'x-gg-step-up-grant': 'grant-1', 'x-gg-bookmark': 'gb1.a.b' };
    const signed = await signInternalRequest(key, { ...req, headers: grant }, claims);
    await expect(verifyInternalRequest(new Headers({ ...grant, ...signed }), req, opts())).resolves.toEqual(claims);
    const cases = [
      { ...signed, 'x-gg-bookmark': 'gb1.a.b' },
      { ...signed, ...grant, 'x-gg-step-up-grant': 'grant-2' },
      { ...signed, ...grant, 'x-gg-bookmark': 'gb1.other.b' },
    ];
    for (const headers of cases) {
      expect(await codeOf(verifyInternalRequest(new Headers(headers), req, opts()))).toBe('BAD_SIGNATURE');
    }
    const bare = await signInternalRequest(key, req, claims);
    const added = new Headers({ ...bare, 'x-gg-step-up-grant': 'stolen' });
    expect(await codeOf(verifyInternalRequest(added, req, opts()))).toBe('BAD_SIGNATURE');
  });

  it('covers the edge trace context: the origin accepts it as sent and refuses it changed, dropped or added', async () => {
    const ctx = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'gg=edge',
    };
    const signed = await signInternalRequest(key, { ...req, headers: ctx }, claims);
    await expect(verifyInternalRequest(new Headers({ ...ctx, ...signed }), req, opts())).resolves.toEqual(claims);
    const cases = [
      { ...signed, ...ctx, traceparent: '00-ffffffffffffffffffffffffffffffff-00f067aa0ba902b7-01' },
      { ...signed, tracestate: ctx.tracestate },
      { ...signed, ...ctx, tracestate: 'gg=forged' },
    ];
    for (const headers of cases) {
      expect(await codeOf(verifyInternalRequest(new Headers(headers), req, opts()))).toBe('BAD_SIGNATURE');
    }
    const bare = await signInternalRequest(key, req, claims);
    const added = new Headers({ ...bare, traceparent: ctx.traceparent });
    expect(await codeOf(verifyInternalRequest(added, req, opts()))).toBe('BAD_SIGNATURE');
  });

  it('accepts the release before’s gg-v2 material for one release, only without trace headers', async () => {
    // An edge of the release before signed the forwarded headers only, under the name gg-v2 (written out here).
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = 'v2-nonce-0123456789abcdef';
    const claimsB64 = toBase64Url(new TextEncoder().encode(JSON.stringify(claims)));
    const grant = { 'x-gg-step-up-grant': 'grant-1' };
    const material = [
      'gg-v2',
      ts,
      nonce,
      'POST',
      '/graphql',
      'acme',
      claimsB64,
      await sha256Hex(req.body),
      'x-gg-bookmark',
      'x-gg-step-up-grant=grant-1',
    ].join('\n');
    const v2 = {
      'x-gg-tenant': 'acme',
      'x-gg-claims': claimsB64,
      'x-gg-ts': ts,
      'x-gg-nonce': nonce,
      'x-gg-signature': `k1.${toBase64Url(await hmac(key.secret, material))}`,
      ...grant,
    };
    await expect(verifyInternalRequest(new Headers(v2), req, opts())).resolves.toEqual(claims);
    // With a trace header only v3 counts: v2 never covered one, so it cannot vouch for it.
    const traced = new Headers({ ...v2, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(await codeOf(verifyInternalRequest(traced, req, opts()))).toBe('BAD_SIGNATURE');
    // And v2 still covers its forwarded headers.
    const changed = new Headers({ ...v2, 'x-gg-step-up-grant': 'grant-2' });
    expect(await codeOf(verifyInternalRequest(changed, req, opts()))).toBe('BAD_SIGNATURE');
  });

  it('rejects the same signed request a second time as REPLAYED_REQUEST, per tenant and nonce', async () => {
    const nonces = new MemoryNonceStore();
    const headers = new Headers(await signInternalRequest(key, req, claims));
    await expect(verifyInternalRequest(headers, req, opts({ nonces }))).resolves.toEqual(claims);
    expect(await codeOf(verifyInternalRequest(headers, req, opts({ nonces })))).toBe('REPLAYED_REQUEST');
    const fresh = new Headers(await signInternalRequest(key, req, claims));
    await expect(verifyInternalRequest(fresh, req, opts({ nonces }))).resolves.toEqual(claims);
  });

  it('records no nonce for a forged request, so a forger cannot burn a genuine one', async () => {
    const nonces = new MemoryNonceStore();
    const genuine = await signInternalRequest(key, req, claims);
    const forged = new Headers({ ...genuine, 'x-gg-signature': 'k1.AAAA' });
    expect(await codeOf(verifyInternalRequest(forged, req, opts({ nonces })))).toBe('BAD_SIGNATURE');
    await expect(verifyInternalRequest(new Headers(genuine), req, opts({ nonces }))).resolves.toEqual(claims);
  });

  it('fails closed with REPLAY_CHECK_UNAVAILABLE when the seen-set cannot answer', async () => {
    const broken = { claim: async () => Promise.reject(new Error('redis down')) };
    const headers = new Headers(await signInternalRequest(key, req, claims));
    expect(await codeOf(verifyInternalRequest(headers, req, opts({ nonces: broken })))).toBe(
      'REPLAY_CHECK_UNAVAILABLE',
    );
  });

  it('accepts timestamps within the 30 s default window and rejects outside it', async () => {
    const now = 1_800_000_000_000;
    const old = new Headers(await signInternalRequest(key, req, claims, now - 31_000));
    const near = new Headers(await signInternalRequest(key, req, claims, now - 29_000));
    expect(await codeOf(verifyInternalRequest(old, req, opts({ now })))).toBe('SIGNATURE_EXPIRED');
    await expect(verifyInternalRequest(near, req, opts({ now }))).resolves.toEqual(claims);
  });

  it('accepts the previous key during rotation, chosen by kid', async () => {
    const previous = { kid: 'k0', secret: 'old-secret' };
    const headers = new Headers(await signInternalRequest(previous, req, claims));
    await expect(verifyInternalRequest(headers, req, opts({ keys: [key, previous] }))).resolves.toEqual(claims);
  });

  it('rejects a signature made with another secret', async () => {
    const headers = new Headers(await signInternalRequest({ kid: 'k1', secret: 'other' }, req, claims));
    expect(await codeOf(verifyInternalRequest(headers, req, opts()))).toBe('BAD_SIGNATURE');
  });
});
