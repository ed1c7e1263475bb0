/** Random ids, grant tokens and the small bits of WebAuthn binary parsing the ceremonies need before verifying. */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of grant tokens, so a leaked one is recognisable in logs and secret scanners. */
export const grantPrefix = 'ggsu_';

/** A fresh opaque id (128 bits, base64url). */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** A fresh grant token (256 bits); only its sha256 is ever stored. */
export function newGrantToken(): string {
  return `${grantPrefix}${randomBytes(32).toString('base64url')}`;
}

/** sha256 (hex) of a grant token: the store key and the audit reference. */
export function grantRefOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True for something shaped like a grant token (cheap check before a store read). */
export function looksLikeGrant(token: string): boolean {
  return token.startsWith(grantPrefix) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(grantPrefix.length));
}

/** User handle for WebAuthn: sha256(tenant, subject) truncated, so the authenticator never stores the subject. */
export function userHandle(tenant: string, subject: string): Uint8Array<ArrayBuffer> {
  const digest = createHash('sha256').update(`${tenant}\n${subject}`).digest();
  return new Uint8Array(digest.subarray(0, 16));
}

/**
 * The signature counter in authenticator data (bytes 33–36, big endian), or undefined when the data is too short.
 * Read before verifying so a regression is reported as COUNTER_REGRESSION and not as a generic verification failure.
 */
export function signCountOf(authenticatorDataB64url: string): number | undefined {
  const bytes = Buffer.from(authenticatorDataB64url, 'base64url');
  if (bytes.length < 37) return undefined;
  return bytes.readUInt32BE(33);
}
