/**
 * The stored entry: what the origin writes and the edge reads directly from Redis.
 *
 * `body` is the serialised GraphQL response exactly as it goes on the wire, so the edge answers a hit without
 * re-serialising. Redis keeps the entry for `ttlMs + swrMs`: fresh for `ttlMs`, then servable stale (with one background
 * refresh) for `swrMs`, then gone.
 */
import { createHash } from 'node:crypto';
import type { CacheEntityRecord } from '@envelop/response-cache';

/** Entry format version; a reader treats any other version as a miss. */
export const ENTRY_VERSION = 1;

/** What is stored under a cache key (as JSON). */
export interface CacheEntry {
  v: typeof ENTRY_VERSION;
  /** Serialised GraphQL response (`JSON.stringify` of the ExecutionResult). */
  body: string;
  /** Epoch ms when the origin stored it. */
  storedAt: number;
  ttlMs: number;
  /** Stale-while-revalidate window after `ttlMs`. */
  swrMs: number;
  /** Weak etag over the body: `W/"<16 hex of sha256>"`. */
  etag: string;
  /** Entity tags (`Entity:<id>`) and type tags (`Entity`) this response depends on. */
  tags: string[];
}

/** Weak etag of a body: 64 bits of its sha256 are plenty to tell two versions of one key apart. */
export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 16)}"`;
}

/**
 * Tags of the entities envelop collected, with envelop's in-memory semantics: every record tags the response with its
 * type, and records with an id also with `Type:id`. Sorted and unique so the stored entry is deterministic.
 */
export function tagsOf(entities: Iterable<CacheEntityRecord>): string[] {
  const tags = new Set<string>();
  for (const { typename, id } of entities) {
    tags.add(typename);
    if (id !== undefined && id !== null) tags.add(`${typename}:${id}`);
  }
  return [...tags].sort();
}

/** The tag an invalidation record targets: `Type:id`, or the type tag when envelop gives no id. */
export function invalidationTag({ typename, id }: CacheEntityRecord): string {
  return id === undefined || id === null ? typename : `${typename}:${id}`;
}

/** Builds an entry for a serialised body. */
export function createEntry(args: {
  body: string;
  ttlMs: number;
  swrMs: number;
  tags: string[];
  now: number;
}): CacheEntry {
  return {
    v: ENTRY_VERSION,
    body: args.body,
    storedAt: args.now,
    ttlMs: args.ttlMs,
    swrMs: args.swrMs,
    etag: etagOf(args.body),
    tags: args.tags,
  };
}

/** How long Redis keeps the entry: TTL plus the stale window, so the edge can still serve STALE. */
export function storeTtlMs(entry: Pick<CacheEntry, 'ttlMs' | 'swrMs'>): number {
  return entry.ttlMs + entry.swrMs;
}

/** Fresh: younger than its TTL. A `storedAt` in the future (clock skew between hosts) counts as age 0. */
export function isFresh(entry: Pick<CacheEntry, 'storedAt' | 'ttlMs'>, now: number): boolean {
  return now - entry.storedAt < entry.ttlMs;
}

/** Past its TTL but inside the stale-while-revalidate window: servable as STALE while one refresh runs. */
export function isStaleServable(entry: Pick<CacheEntry, 'storedAt' | 'ttlMs' | 'swrMs'>, now: number): boolean {
  const age = now - entry.storedAt;
  return age >= entry.ttlMs && age < entry.ttlMs + entry.swrMs;
}

/** The HTTP `Age` value: whole seconds since stored, never negative. */
export function ageSeconds(entry: Pick<CacheEntry, 'storedAt'>, now: number): number {
  return Math.max(0, Math.floor((now - entry.storedAt) / 1000));
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Validates a stored value (a JSON string, or the object `@upstash/redis` already parsed) into an entry.
 * Returns undefined for anything else — a foreign or older-format value is a miss, never a crash.
 */
export function parseEntry(value: unknown): CacheEntry | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (v === null || typeof v !== 'object') return undefined;
  const e = v as Record<string, unknown>;
  const ok =
    e.v === ENTRY_VERSION &&
    typeof e.body === 'string' &&
    isFiniteNumber(e.storedAt) &&
    isFiniteNumber(e.ttlMs) &&
    isFiniteNumber(e.swrMs) &&
    typeof e.etag === 'string' &&
    Array.isArray(e.tags) &&
    e.tags.every((t) => typeof t === 'string');
  return ok ? (e as unknown as CacheEntry) : undefined;
}
