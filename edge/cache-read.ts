import type { Redis } from '@upstash/redis';
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
import { withTimeout } from '../functions/core/timeout.js';

export type CacheLookup =
  | { state: 'fresh' | 'stale'; key: string; entry: CachedResponse }
  | { state: 'miss'; key: string; entry?: undefined }
  | { state: 'unavailable'; key: string; error: unknown; entry?: undefined };

/**
 * The cache read as a Lua script, for two reasons. @upstash/redis auto-pipelines reads and writes separately and the
 * rate limiter's script counts as a write, so a script read goes out in the SAME /pipeline HTTP call as the limit
 * check (one round trip per hit). And Redis (in C, with cjson) unpacks the stored entry, so the edge never parses the
 * cached body: it gets the metadata as numbers and the body as the stored string, and serves those bytes.
 *
 * The body comes back behind a `#`: @upstash/redis with automatic deserialisation (its default) tries `JSON.parse`
 * on every string of an array reply, which would parse the body; `#…` is not JSON, so it arrives as the stored text
 * whatever the client's options. An entry not of the current version (`ENTRY_VERSION`) with the fields below is a
 * miss (`0`), like `parseEntry` decides for the origin's reads.
 */
const readScript = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, e = pcall(cjson.decode, raw)
if not ok or type(e) ~= 'table' or e.v ~= ${ENTRY_VERSION} or type(e.body) ~= 'string' or type(e.etag) ~= 'string'
  or type(e.storedAt) ~= 'number' or type(e.ttlMs) ~= 'number' or type(e.swrMs) ~= 'number' then return 0 end
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

async function readEntryScripted(redis: Redis, key: string, timeoutMs: number): Promise<CachedResponse | undefined> {
  try {
    const reply = await withTimeout(redis.eval<[], unknown>(readScript, [key], []), timeoutMs, 'cache read');
    return fromScriptReply(reply);
  } catch (error) {
    throw new CacheUnavailableError('cache read', { cause: error });
  }
}

/**
 * Reads the response the origin stored for this exact request. The key comes from the one shared function, with the
 * tenant from the verified token, so a token of tenant A can only ever compute keys under A's prefix.
 */
export async function lookup(
  redis: Redis,
  args: {
    operation: ManifestEntry;
    variables: Record<string, unknown>;
    identity: Identity;
    scopeFingerprint: string;
    schemaVersion: string;
    timeoutMs: number;
    now: number;
  },
): Promise<CacheLookup> {
  let key: string;
  try {
    key = cacheKey({
      tenant: args.identity.tenant,
      operationId: args.operation.id,
      variables: args.variables,
      scopeFingerprint: args.scopeFingerprint,
      schemaVersion: args.schemaVersion,
      scope: args.operation.scope,
      subject: args.identity.subject,
    });
  } catch (error) {
    // Tenant and subject come from the verified token, so what has no key is the client's variables: RFC 8785 has
    // no form for a lone surrogate such as "\ud800". The key is derived once, here, and its refusal is a 400.
    if (!(error instanceof CacheKeyError)) throw error;
    throw new HttpError(400, 'BAD_REQUEST', 'variables must be I-JSON: strings may not contain lone surrogates');
  }
  let entry: CachedResponse | undefined;
  try {
    entry = await readEntryScripted(redis, key, args.timeoutMs);
  } catch (error) {
    return { state: 'unavailable', key, error };
  }
  if (!entry) return { state: 'miss', key };
  if (isFresh(entry, args.now)) return { state: 'fresh', key, entry };
  if (isStaleServable(entry, args.now)) return { state: 'stale', key, entry };
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
