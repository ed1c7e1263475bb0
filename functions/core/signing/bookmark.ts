/**
 * Sealed read-your-writes bookmarks. The origin never hands a client the raw Neo4j bookmarks of a write: it returns
 * them sealed with an HMAC bound to the tenant and an expiry, and on the way back it opens only what it sealed. A
 * client therefore cannot make a read wait on a transaction that does not exist (a future bookmark holds a request and
 * a database connection until the server gives up), nor replay another tenant's bookmark.
 *
 * A bookmark that does not open is refused (400 `BAD_BOOKMARK`), not ignored: ignoring it would silently drop the
 * read-your-writes the client asked for, and the client can always retry without the header.
 *
 * The MAC key is derived from the internal signing key, so a sealed bookmark can never pass as a request signature.
 */
import { SignatureError } from './errors.js';
import { constantTimeEqual, fromBase64Url, hmac, toBase64Url } from './hmac.js';
import type { SigningKey } from './internal-request.js';

/** How long a sealed bookmark is accepted: replication lag is seconds; a client that waits longer needs none. */
export const defaultBookmarkTtlS = 15 * 60;

/** Sealed bookmarks accepted in one header (comma-separated) and the header's largest length. */
export const maxSealedBookmarks = 8;
export const maxBookmarkHeaderLength = 4096;

const prefix = 'gb1';
const encoder = new TextEncoder();
const derivedKeys = new Map<string, Promise<string>>();

function bookmarkSecret(key: SigningKey): Promise<string> {
  let derived = derivedKeys.get(key.secret);
  if (!derived) {
    derived = hmac(key.secret, 'graphgate/bookmark-seal/v1').then(toBase64Url);
    if (derivedKeys.size > 16) derivedKeys.clear();
    derivedKeys.set(key.secret, derived);
  }
  return derived;
}

async function mac(key: SigningKey, tenant: string, payload: string): Promise<Uint8Array> {
  return hmac(await bookmarkSecret(key), `${prefix}\n${tenant}\n${payload}`);
}

/**
 * Seals the bookmarks of a write for `tenant`: `gb1.<payload>.<mac>`, all base64url, so it fits a header as is.
 * @example response.headers.set(bookmarkHeader, await sealBookmarks(keys[0], tenant, result.bookmarks));
 */
export async function sealBookmarks(
  key: SigningKey,
  tenant: string,
  bookmarks: string[],
  options: { now?: number; ttlS?: number } = {},
): Promise<string> {
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlS ?? defaultBookmarkTtlS);
  const payload = toBase64Url(encoder.encode(JSON.stringify({ e: expires, b: bookmarks })));
  return `${prefix}.${payload}.${toBase64Url(await mac(key, tenant, payload))}`;
}

const notIssued = () =>
  new SignatureError(
    'BAD_BOOKMARK',
    'x-gg-bookmark is not a bookmark this service issued to your tenant; send back the x-gg-bookmark of a write, or none',
  );

async function openOne(keys: SigningKey[], tenant: string, sealed: string, now: number): Promise<string[]> {
  const [tag, payload, given, ...rest] = sealed.split('.');
  if (tag !== prefix || !payload || !given || rest.length > 0) throw notIssued();
  let givenMac: Uint8Array;
  try {
    givenMac = fromBase64Url(given);
  } catch {
    throw notIssued();
  }
  // Every key is tried (current and, during rotation, previous): a bookmark names no key.
  let valid = false;
  for (const key of keys) if (constantTimeEqual(givenMac, await mac(key, tenant, payload))) valid = true;
  if (!valid) throw notIssued();
  const body = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as { e: number; b: string[] };
  if (body.e * 1000 <= now) {
    throw new SignatureError('BAD_BOOKMARK', 'x-gg-bookmark has expired; send the bookmark of a recent write, or none');
  }
  return body.b;
}

/**
 * Opens the value of an `x-gg-bookmark` header (one or more sealed bookmarks, comma-separated) for `tenant` and
 * returns the Neo4j bookmarks inside. Anything unsealed, forged, sealed for another tenant, expired or too long throws
 * {@link SignatureError} `BAD_BOOKMARK`; an empty header gives no bookmarks.
 */
export async function openBookmarks(
  keys: SigningKey[],
  tenant: string,
  header: string | null,
  now = Date.now(),
): Promise<string[]> {
  const value = header?.trim() ?? '';
  if (value === '') return [];
  const parts = value.split(',').map((p) => p.trim());
  if (value.length > maxBookmarkHeaderLength || parts.length > maxSealedBookmarks) {
    throw new SignatureError(
      'BAD_BOOKMARK',
      `x-gg-bookmark holds at most ${maxSealedBookmarks} bookmarks in ${maxBookmarkHeaderLength} characters`,
    );
  }
  const opened: string[] = [];
  for (const part of parts) opened.push(...(await openOne(keys, tenant, part, now)));
  return [...new Set(opened)];
}
