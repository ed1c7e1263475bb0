/**
 * Hashing of ledger entries. Canonical JSON (RFC 8785: sorted keys, no whitespace) makes the hash independent of
 * property order, so any adapter that stores the fields faithfully produces the same chain.
 */
import { createHash } from 'node:crypto';
import { CanonicalJsonError, canonicalJson } from '../json/canonical.js';
import { currentTraceId } from '../telemetry/propagation.js';
import { LedgerInputError } from './errors.js';
import type { LedgerEntry, LedgerEntryInput } from './types.js';

/** prevHash of the first entry of every chain. */
export const genesisHash = '0'.repeat(64);

/** Canonical JSON of entry data; data JSON cannot carry exactly (NaN, a bigint, …) is the caller's input error. */
function dataJson(data: unknown): string {
  try {
    return canonicalJson(data);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new LedgerInputError(`ledger data must be JSON: ${error.message}`);
    throw error;
  }
}

/**
 * The hash of an entry from all its fields except `hash`. `traceId` is hashed only when present, so entries written
 * before it existed verify exactly as they did, and a trace id added to or stripped from a stored entry breaks it.
 */
export function entryHash(entry: Omit<LedgerEntry, 'hash'>): string {
  const { tenant, seq, at, kind, actor, subject, data, prevHash, traceId } = entry;
  const body = canonicalJson({ tenant, seq, at, kind, actor, subject, data, ...(traceId ? { traceId } : {}) });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

const kindPattern = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const traceIdPattern = /^[0-9a-f]{32}$/;

/** Builds the next entry after `previous` (null: the first). */
export function nextEntry(
  tenant: string,
  previous: LedgerEntry | null,
  input: LedgerEntryInput,
  now = new Date(),
): LedgerEntry {
  if (!tenant) throw new LedgerInputError('ledger entries need a tenant');
  if (!kindPattern.test(input.kind)) throw new LedgerInputError(`ledger kind ${input.kind} must look like area.event`);
  const traceId = input.traceId ?? currentTraceId();
  if (traceId !== undefined && !traceIdPattern.test(traceId)) {
    throw new LedgerInputError('ledger traceId must be a W3C trace id (32 lowercase hex)');
  }
  const base = {
    tenant,
    seq: (previous?.seq ?? 0) + 1,
    at: now.toISOString(),
    kind: input.kind,
    actor: input.actor,
    subject: input.subject ?? null,
    // Round-trip through canonical JSON so what we hash is exactly what a reader will parse back.
    data: JSON.parse(dataJson(input.data)) as Record<string, unknown>,
    prevHash: previous?.hash ?? genesisHash,
    ...(traceId ? { traceId } : {}),
  };
  return { ...base, hash: entryHash(base) };
}
