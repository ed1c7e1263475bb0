import type { Identity } from '../functions/core/auth/index.js';
import {
  ageSeconds,
  type CacheEntry,
  CacheKeyError,
  CacheUnavailableError,
  cacheKey,
  ENTRY_VERSION,
  isFresh,
  isStaleServable,
} from '../functions/core/cache/reader.js';
import { contentTypeOf, type GraphqlMediaType, HttpError } from '../functions/core/http/index.js';
import type { ManifestEntry } from '../functions/core/manifest/index.js';

export type CacheLookup =
  | { state: 'fresh' | 'stale'; key: string; entry: CachedResponse }
  | { state: 'miss'; key: string; entry?: undefined }
  | { state: 'unavailable'; key: string; error: unknown; entry?: undefined };

/**
 * Whether a decoded entry `e` (`local ok, e = pcall(cjson.decode, raw)`) is one the edge can serve: of the current
 * version (`ENTRY_VERSION`) with the fields below; anything else is a miss, like `parseEntry` decides for the origin's
 * reads. Shared by the read script here and the rate limiter's script, which reads the entry in the same run.
 */
export const entryCheckLua = `ok and type(e) == 'table' and e.v == ${ENTRY_VERSION} and type(e.body) == 'string'
  and type(e.etag) == 'string' and type(e.storedAt) == 'number' and type(e.ttlMs) == 'number'
  and type(e.swrMs) == 'number'`;

/**
 * The cache read as a Lua script: Redis (in C, with cjson) unpacks the stored entry, so the edge never parses the
 * cached body: it gets the metadata as numbers and the body as the stored string, and serves those bytes. On the hit
 * path the edge runs the same read inside the rate limiter's script (ratelimit.ts), one command per request.
 *
 * The body comes back behind a `#`: @upstash/redis with automatic deserialisation (its default) tries `JSON.parse`
 * on every string of an array reply, which would parse the body; `#…` is not JSON, so it arrives as the stored text
 * whatever the client's options. An entry that fails {@link entryCheckLua} is a miss (`0`).
 */
const readScript = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, e = pcall(cjson.decode, raw)
if not (${entryCheckLua}) then return 0 end
return { e.storedAt, e.ttlMs, e.swrMs, '#' .. e.etag, '#' .. e.body }`;

/** The read script, exported for the tests that run it on the real endpoint with another client. */
export const lookupScriptForTests = readScript;

/** What the edge needs of a stored entry to answer from it (the tags are the origin's business). */
export type CachedResponse = Pick<CacheEntry, 'body' | 'storedAt' | 'ttlMs' | 'swrMs' | 'etag'>;

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const unmark = (x: unknown) => (typeof x === 'string' && x.startsWith('#') ? x.slice(1) : undefined);

/** The script's reply as a response to serve; anything else (a foreign or older entry: `0`) is a miss. */
export function fromScriptReply(reply: unknown): CachedResponse | undefined {
  if (!Array.isArray(reply) || reply.length !== 5) return undefined;
  const [storedAt, ttlMs, swrMs, etag, body] = [reply[0], reply[1], reply[2], unmark(reply[3]), unmark(reply[4])];
  if (!isFiniteNumber(storedAt) || !isFiniteNumber(ttlMs) || !isFiniteNumber(swrMs)) return undefined;
  if (etag === undefined || body === undefined) return undefined;
  return { storedAt, ttlMs, swrMs, etag, body };
}

/**
 * The cache key of this exact request, from the one shared function, with the tenant from the verified token, so a
 * token of tenant A can only ever compute keys under A's prefix. Variables with no key (RFC 8785 has no form for a lone
 * surrogate such as "\ud800") are the client's: a coded 400.
 */
export function requestCacheKey(args: {
  operation: ManifestEntry;
  variables: Record<string, unknown>;
  identity: Identity;
  scopeFingerprint: string;
  schemaVersion: string;
}): string {
  try {
    return cacheKey({
      tenant: args.identity.tenant,
      operationId: args.operation.id,
      variables: args.variables,
      scopeFingerprint: args.scopeFingerprint,
      schemaVersion: args.schemaVersion,
      scope: args.operation.scope,
      subject: args.identity.subject,
    });
  } catch (error) {
    if (!(error instanceof CacheKeyError)) throw error;
    throw new HttpError(400, 'BAD_REQUEST', 'variables must be I-JSON: strings may not contain lone surrogates');
  }
}

/**
 * What a read of `key` found, as the state the edge acts on: fresh, stale (servable while it refreshes), a miss
 * (nothing usable, or past its stale window), or unavailable (the store could not be asked; the error says why).
 */
export function classify(
  key: string,
  read: { entry: CachedResponse | undefined } | { error: unknown },
  now: number,
): CacheLookup {
  if ('error' in read)
    return { state: 'unavailable', key, error: new CacheUnavailableError('cache read', { cause: read.error }) };
  const { entry } = read;
  if (!entry) return { state: 'miss', key };
  if (isFresh(entry, now)) return { state: 'fresh', key, entry };
  if (isStaleServable(entry, now)) return { state: 'stale', key, entry };
  return { state: 'miss', key };
}

/** Headers of a response served from the cache, in the media type the client negotiated. */
export function cachedHeaders(
  entry: CachedResponse,
  state: 'HIT' | 'STALE',
  now: number,
  mediaType: GraphqlMediaType,
): Record<string, string> {
  const remaining = Math.max(0, Math.floor((entry.storedAt + entry.ttlMs - now) / 1000));
  return {
    'content-type': contentTypeOf(mediaType),
    'x-cache': state,
    age: String(ageSeconds(entry, now)),
    etag: entry.etag,
    // Per-tenant, per-scope data: browsers may keep it, shared caches must not (their key lacks the token).
    'cache-control': `private, max-age=${remaining}`,
    vary: 'authorization, accept',
  };
}

/** True when an If-None-Match header names this entry's etag (weak comparison, lists and `*` allowed). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}
