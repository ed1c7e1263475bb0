/**
 * The origin's door: every request, on any path, is checked here before yoga reads or parses any of it. Only the one
 * GraphQL path is served; the body is read once, streamed under the cap; then the edge's signature (nonce included) is
 * verified and the client's sealed bookmarks are opened for the signed tenant.
 */
import { HttpError, readCappedBody } from '../core/http/index.js';
import { openBookmarks } from '../core/signing/bookmark.js';
import { SignatureError } from '../core/signing/errors.js';
import { bookmarkHeader } from '../core/signing/forwarded-headers.js';
import { type InternalClaims, type SigningKey, verifyInternalRequest } from '../core/signing/internal-request.js';
import type { NonceStore } from '../core/signing/nonces.js';

export interface SignedRequestOptions {
  /** The one path GraphQL is served on. */
  endpoint: string;
  maxBodyBytes: number;
  signingKeys: SigningKey[];
  nonces: NonceStore;
  maxSkewS?: number;
}

/** A request that passed the door: a fresh copy holding the bytes that were verified, and what the edge asserted. */
export interface VerifiedRequest {
  request: Request;
  claims: InternalClaims;
  /** Neo4j bookmarks opened from the client's sealed `x-gg-bookmark` (empty without one). */
  bookmarks: string[];
}

const originChallenge = { 'www-authenticate': 'GG-HMAC realm="graphgate-origin"' };

function httpErrorOf(err: SignatureError): HttpError {
  if (err.code === 'BAD_BOOKMARK') return new HttpError(400, err.code, err.message);
  if (err.code === 'REPLAY_CHECK_UNAVAILABLE') return new HttpError(503, err.code, err.message, { 'retry-after': '1' });
  return new HttpError(401, err.code, err.message, originChallenge);
}

/**
 * Checks one request; throws {@link HttpError} (404 other paths, 413 oversized, 401 unsigned/forged/expired/replayed,
 * 400 BAD_BOOKMARK, 503 when the replay check cannot answer). `RequestImpl` is the runtime's Request class (yoga's
 * `fetchAPI.Request`), since the body stream of the original is consumed here.
 */
export async function verifyOriginRequest(
  request: Request,
  url: URL,
  options: SignedRequestOptions,
  RequestImpl: typeof Request = Request,
): Promise<VerifiedRequest> {
  if (url.pathname !== options.endpoint) {
    throw new HttpError(404, 'NOT_FOUND', `no such route; GraphQL is served at ${options.endpoint} only`);
  }
  // Read once, without clone(): some runtimes' clone() hands back the same stream, leaving nothing for yoga to parse.
  const body = await readCappedBody(request, options.maxBodyBytes);
  try {
    const claims = await verifyInternalRequest(
      request.headers,
      { method: request.method, path: url.pathname, body },
      { keys: options.signingKeys, nonces: options.nonces, maxSkewS: options.maxSkewS },
    );
    const bookmarks = await openBookmarks(options.signingKeys, claims.tenant, request.headers.get(bookmarkHeader));
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const verified = new RequestImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? (body as Uint8Array<ArrayBuffer>) : undefined,
      // A subscription's stream ends when the client goes away: the copy aborts with the original.
      signal: request.signal,
    });
    return { request: verified, claims, bookmarks };
  } catch (err) {
    if (err instanceof SignatureError) throw httpErrorOf(err);
    throw err;
  }
}
