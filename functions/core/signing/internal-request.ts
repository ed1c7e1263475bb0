import { SignatureError } from './errors.js';
import { forwardedHeaders, signedHeaders, signedTraceHeaders } from './forwarded-headers.js';
import { constantTimeEqual, fromBase64Url, hmac, randomToken, sha256Hex, toBase64Url } from './hmac.js';
import type { NonceStore } from './nonces.js';

/**
 * The edge asserts who is calling to the origin with an HMAC-SHA256 over tenant, claims, timestamp, a random nonce,
 * method, path, body hash, every forwarded client header and the edge's trace context (./forwarded-headers.ts). The origin refuses unsigned or
 * forged calls, calls outside a short clock-skew window, and a second call with a nonce it has already seen.
 *
 * On `node:crypto` (./hmac.ts), so the same code signs on Lambda@Edge, Workers (`nodejs_compat`) and Node and verifies on
 * Lambda.
 */
export const signatureHeaders = {
  tenant: 'x-gg-tenant',
  claims: 'x-gg-claims',
  timestamp: 'x-gg-ts',
  nonce: 'x-gg-nonce',
  signature: 'x-gg-signature',
} as const;

/** Default largest accepted |now − timestamp|: long enough for clock drift and one hop, short enough to bound replay. */
export const defaultMaxSkewS = 30;

/** What the edge asserts about the caller; the origin trusts it only with a valid signature. */
export interface InternalClaims {
  tenant: string;
  subject: string;
  /** Caller attributes from the JWT (roles, clearance, purposes …) that policy scope is computed from. */
  attributes: Record<string, unknown>;
  /** Session id (the JWT `sid` or `jti`), used to bind step-up grants. */
  sessionId?: string;
}

export interface SigningKey {
  /** Key id, sent in the signature header so the verifier can hold several keys during rotation. */
  kid: string;
  secret: string;
}

const encoder = new TextEncoder();
const noncePattern = /^[A-Za-z0-9_-]{16,64}$/;

interface SignedParts {
  ts: string;
  nonce: string;
  method: string;
  path: string;
  tenant: string;
  claims: string;
  bodyHash: string;
  headers: Headers;
}

/**
 * Material formats: `gg-v3` covers the forwarded headers and the edge's trace context; `gg-v2` (the release before)
 * only the forwarded headers. The edge signs v3. The origin also accepts v2 for one release, and only from a request
 * without trace headers (an edge of the release before never sends them), so an origin deployed first keeps answering
 * the edges still on v2 until they are replaced. Remove v2 in the next release.
 */
type Format = 'gg-v3' | 'gg-v2';
const coveredHeaders: Record<Format, readonly string[]> = { 'gg-v3': signedHeaders, 'gg-v2': forwardedHeaders };

// Header values cannot hold a newline, so one line per header keeps the material unambiguous; an absent header is its
// bare name, so dropping a header changes the MAC as surely as changing it.
function canonical(p: SignedParts, format: Format = 'gg-v3'): string {
  const headerLines = coveredHeaders[format].map((name) => {
    const value = p.headers.get(name);
    return value === null ? name : `${name}=${value}`;
  });
  return [format, p.ts, p.nonce, p.method.toUpperCase(), p.path, p.tenant, p.claims, p.bodyHash, ...headerLines].join(
    '\n',
  );
}

/**
 * Headers to add to a request to the origin. `path` is the URL path (no query), `body` the exact bytes sent and
 * `headers` the forwarded client headers sent with it (any others in it are ignored).
 * @example const signed = await signInternalRequest(key, { method: 'POST', path: '/graphql', body, headers }, claims);
 */
export async function signInternalRequest(
  key: SigningKey,
  request: { method: string; path: string; body: Uint8Array | string; headers?: Record<string, string> | Headers },
  claims: InternalClaims,
  now = Date.now(),
): Promise<Record<string, string>> {
  const body = typeof request.body === 'string' ? encoder.encode(request.body) : request.body;
  const claimsB64 = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const ts = String(Math.floor(now / 1000));
  const nonce = randomToken();
  const mac = await hmac(
    key.secret,
    canonical({
      ts,
      nonce,
      method: request.method,
      path: request.path,
      tenant: claims.tenant,
      claims: claimsB64,
      bodyHash: await sha256Hex(body),
      headers: new Headers(request.headers),
    }),
  );
  return {
    [signatureHeaders.tenant]: claims.tenant,
    [signatureHeaders.claims]: claimsB64,
    [signatureHeaders.timestamp]: ts,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: `${key.kid}.${toBase64Url(mac)}`,
  };
}

export interface VerifyOptions {
  /** Accepted keys by kid (current and, during rotation, previous). */
  keys: SigningKey[];
  /** The seen-set of nonces; a nonce seen within the window is a replay. */
  nonces: NonceStore;
  /** Largest accepted |now - timestamp| in seconds. @default defaultMaxSkewS */
  maxSkewS?: number;
  now?: number;
}

/**
 * Verifies a signed internal request (`headers` are the request's own, forwarded client headers included) and returns
 * the asserted claims, or throws a SignatureError with a stable code. The nonce is recorded only once the MAC holds,
 * so nobody without the key can fill the seen-set.
 */
export async function verifyInternalRequest(
  headers: Headers,
  request: { method: string; path: string; body: Uint8Array },
  options: VerifyOptions,
): Promise<InternalClaims> {
  const tenant = headers.get(signatureHeaders.tenant);
  const claimsB64 = headers.get(signatureHeaders.claims);
  const ts = headers.get(signatureHeaders.timestamp);
  const nonce = headers.get(signatureHeaders.nonce);
  const sig = headers.get(signatureHeaders.signature);
  if (!tenant || !claimsB64 || !ts || !nonce || !sig) {
    throw new SignatureError('UNSIGNED_REQUEST', 'the origin only accepts requests signed by the edge');
  }
  if (!/^\d{1,12}$/.test(ts)) throw new SignatureError('MALFORMED_SIGNATURE', 'x-gg-ts must be epoch seconds');
  if (!noncePattern.test(nonce)) {
    throw new SignatureError('MALFORMED_SIGNATURE', 'x-gg-nonce must be 16 to 64 base64url characters');
  }
  const maxSkewS = options.maxSkewS ?? defaultMaxSkewS;
  const skew = Math.abs((options.now ?? Date.now()) / 1000 - Number(ts));
  if (skew > maxSkewS) {
    throw new SignatureError('SIGNATURE_EXPIRED', `signature timestamp is ${Math.round(skew)} s away from now`);
  }
  const dot = sig.indexOf('.');
  const key = options.keys.find((k) => k.kid === sig.slice(0, dot));
  if (dot < 1 || !key) throw new SignatureError('BAD_SIGNATURE', 'unknown signing key');
  let given: Uint8Array;
  try {
    given = fromBase64Url(sig.slice(dot + 1));
  } catch (cause) {
    throw new SignatureError('MALFORMED_SIGNATURE', 'signature is not base64url', { cause });
  }
  const parts: SignedParts = {
    ts,
    nonce,
    method: request.method,
    path: request.path,
    tenant,
    claims: claimsB64,
    bodyHash: await sha256Hex(request.body),
    headers,
  };
  const traced = signedTraceHeaders.some((name) => headers.has(name));
  const formats: Format[] = traced ? ['gg-v3'] : ['gg-v3', 'gg-v2'];
  let matched = false;
  for (const format of formats) {
    if (constantTimeEqual(given, await hmac(key.secret, canonical(parts, format)))) matched = true;
  }
  if (!matched) throw new SignatureError('BAD_SIGNATURE', 'signature does not match');
  let claims: InternalClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(claimsB64))) as InternalClaims;
  } catch (cause) {
    throw new SignatureError('MALFORMED_SIGNATURE', 'claims are not base64url JSON', { cause });
  }
  if (claims.tenant !== tenant) throw new SignatureError('BAD_SIGNATURE', 'tenant header and claims disagree');
  await claimNonce(options.nonces, tenant, nonce, maxSkewS);
  return claims;
}

// A timestamp is accepted from ts − skew to ts + skew, so the nonce must be remembered for twice the skew.
async function claimNonce(nonces: NonceStore, tenant: string, nonce: string, maxSkewS: number): Promise<void> {
  let first: boolean;
  try {
    first = await nonces.claim(tenant, nonce, 2 * maxSkewS + 1);
  } catch (cause) {
    throw new SignatureError('REPLAY_CHECK_UNAVAILABLE', 'the replay check is unavailable; retry shortly', { cause });
  }
  if (!first) {
    throw new SignatureError('REPLAYED_REQUEST', 'this signed request was already received; sign every request anew');
  }
}
