/**
 * The HMAC-SHA256 and base64url primitives the internal-request signature and the sealed bookmarks share, on
 * `node:crypto` (Node, Lambda@Edge, Workers with `nodejs_compat`, as the cache key: core/cache/key.ts). Its hash and
 * HMAC run synchronously in microseconds on a request-sized input; Web Crypto's `crypto.subtle` sends each to the
 * thread pool and back, which cost the origin 0.3-1.7 ms of its main thread per verified request on a busy 2-core
 * machine (issue 18, load/profile-graph-origin.ts). The functions stay async so callers need not care which it is.
 */
import { createHash, createHmac } from 'node:crypto';

/** Bytes as unpadded base64url. */
export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Unpadded base64url as bytes; throws on characters outside the alphabet and on a length no encoding has (4k + 1).
 * Decoded by `Buffer` in one native call: the origin decodes a signature and the claims on every request, and the
 * `atob` + per-character copy it replaces was 2-3% of the origin's own CPU on a 1-hop read (issue 18).
 */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const bytes = Buffer.from(text, 'base64url');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Lowercase hex SHA-256 of `body`. */
export async function sha256Hex(body: Uint8Array): Promise<string> {
  return createHash('sha256').update(body).digest('hex');
}

/** HMAC-SHA256 of `message` (UTF-8) under `secret` (UTF-8). */
export async function hmac(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(createHmac('sha256', secret).update(message, 'utf8').digest());
}

/** Compares two MACs without an early exit, so timing does not reveal how many leading bytes matched. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Random bytes as base64url (nonces). */
export function randomToken(bytes = 16): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}
