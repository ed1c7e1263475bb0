import { SignatureError } from './errors.js';

/**
 * The edge asserts who is calling to the origin with an HMAC-SHA256 over tenant, claims, timestamp, method, path and
 * body hash. The origin refuses unsigned or forged calls, and calls outside the clock-skew window (replay bound).
 *
 * Web Crypto only (crypto.subtle), so the same code signs on Lambda@Edge, Workers and Node and verifies on Lambda.
 */
export const signatureHeaders = {
  tenant: 'x-gg-tenant',
  claims: 'x-gg-claims',
  timestamp: 'x-gg-ts',
  signature: 'x-gg-signature',
} as const;

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

function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function sha256Hex(body: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', body as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Imported keys are cached per secret: importKey costs more than the HMAC itself on every request.
const importedKeys = new Map<string, Promise<CryptoKey>>();

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  let key = importedKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    if (importedKeys.size > 16) importedKeys.clear();
    importedKeys.set(secret, key);
  }
  return new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(message)));
}

function canonical(parts: {
  ts: string;
  method: string;
  path: string;
  tenant: string;
  claims: string;
  bodyHash: string;
}) {
  return ['gg-v1', parts.ts, parts.method.toUpperCase(), parts.path, parts.tenant, parts.claims, parts.bodyHash].join(
    '\n',
  );
}

/** Headers to add to a request to the origin. `path` is the URL path (no query), `body` the exact bytes sent. */
export async function signInternalRequest(
  key: SigningKey,
  request: { method: string; path: string; body: Uint8Array | string },
  claims: InternalClaims,
  now = Date.now(),
): Promise<Record<string, string>> {
  const body = typeof request.body === 'string' ? encoder.encode(request.body) : request.body;
  const claimsB64 = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const ts = String(Math.floor(now / 1000));
  const mac = await hmac(
    key.secret,
    canonical({
      ts,
      method: request.method,
      path: request.path,
      tenant: claims.tenant,
      claims: claimsB64,
      bodyHash: await sha256Hex(body),
    }),
  );
  return {
    [signatureHeaders.tenant]: claims.tenant,
    [signatureHeaders.claims]: claimsB64,
    [signatureHeaders.timestamp]: ts,
    [signatureHeaders.signature]: `${key.kid}.${toBase64Url(mac)}`,
  };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export interface VerifyOptions {
  /** Accepted keys by kid (current and, during rotation, previous). */
  keys: SigningKey[];
  /** Largest accepted |now - timestamp| in seconds. */
  maxSkewS?: number;
  now?: number;
}

/** Verifies a signed internal request and returns the asserted claims, or throws a SignatureError with a stable code. */
export async function verifyInternalRequest(
  headers: Headers,
  request: { method: string; path: string; body: Uint8Array },
  options: VerifyOptions,
): Promise<InternalClaims> {
  const tenant = headers.get(signatureHeaders.tenant);
  const claimsB64 = headers.get(signatureHeaders.claims);
  const ts = headers.get(signatureHeaders.timestamp);
  const sig = headers.get(signatureHeaders.signature);
  if (!tenant || !claimsB64 || !ts || !sig) {
    throw new SignatureError('UNSIGNED_REQUEST', 'the origin only accepts requests signed by the edge');
  }
  if (!/^\d{1,12}$/.test(ts)) throw new SignatureError('MALFORMED_SIGNATURE', 'x-gg-ts must be epoch seconds');
  const skew = Math.abs((options.now ?? Date.now()) / 1000 - Number(ts));
  if (skew > (options.maxSkewS ?? 60)) {
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
  const expected = await hmac(
    key.secret,
    canonical({
      ts,
      method: request.method,
      path: request.path,
      tenant,
      claims: claimsB64,
      bodyHash: await sha256Hex(request.body),
    }),
  );
  if (!constantTimeEqual(given, expected)) throw new SignatureError('BAD_SIGNATURE', 'signature does not match');
  let claims: InternalClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(claimsB64))) as InternalClaims;
  } catch (cause) {
    throw new SignatureError('MALFORMED_SIGNATURE', 'claims are not base64url JSON', { cause });
  }
  if (claims.tenant !== tenant) throw new SignatureError('BAD_SIGNATURE', 'tenant header and claims disagree');
  return claims;
}
