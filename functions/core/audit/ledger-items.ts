/**
 * How the DynamoDB audit ledger stores entries (table `auditLedger`: pk `tenant`, sk `seq` N): one entry per item, its
 * fields as attributes and `data` as canonical JSON; or a block of consecutive entries in one item under the first
 * one's seq, with `last` (its last seq) and `entries` (their canonical JSON, without the tenant, which is the item's).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../json/canonical.js';
import type { LedgerEntry } from './types.js';

/** The item of one entry. */
export function toItem(e: LedgerEntry): Record<string, AttributeValue> {
  return {
    tenant: { S: e.tenant },
    seq: { N: String(e.seq) },
    at: { S: e.at },
    kind: { S: e.kind },
    actor: { S: e.actor },
    ...(e.subject === null ? {} : { subject: { S: e.subject } }),
    data: { S: canonicalJson(e.data) },
    prevHash: { S: e.prevHash },
    hash: { S: e.hash },
    ...(e.traceId ? { traceId: { S: e.traceId } } : {}),
  };
}

/** At most this many entries, and this many UTF-8 bytes of JSON, in one block item (DynamoDB's limit: 400 KB). */
const blockEntries = 100;
const blockBytes = 300_000;

/** The item of a block: its entries (in order, more than one) under the first one's seq. */
export function toBlockItem(entries: readonly LedgerEntry[], json: string): Record<string, AttributeValue> {
  return {
    tenant: { S: entries[0]!.tenant },
    seq: { N: String(entries[0]!.seq) },
    last: { N: String(entries.at(-1)!.seq) },
    entries: { S: json },
  };
}

/** The entries of a block without their tenant (the item's), as stored. */
function blockJson(entries: readonly LedgerEntry[]): string {
  return canonicalJson(entries.map(({ tenant: _, ...rest }) => rest));
}

/** An item's entries: one, or a block's. */
export function entriesOf(item: Record<string, AttributeValue>): LedgerEntry[] {
  if (item.entries?.S === undefined) return [fromItem(item)];
  const tenant = item.tenant?.S ?? '';
  return (JSON.parse(item.entries.S) as Omit<LedgerEntry, 'tenant'>[]).map((e) => ({
    tenant,
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
    subject: e.subject ?? null,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
    ...(e.traceId ? { traceId: e.traceId } : {}),
  }));
}

/** The last seq an item holds. */
export const lastSeqOf = (item: Record<string, AttributeValue>) => Number(item.last?.N ?? item.seq?.N);

/** Consecutive entries cut into blocks of at most {@link blockEntries} entries and {@link blockBytes} of JSON. */
export function blocksOf(entries: readonly LedgerEntry[]): { entries: LedgerEntry[]; json: string }[] {
  const blocks: { entries: LedgerEntry[]; json: string }[] = [];
  let start = 0;
  while (start < entries.length) {
    let end = Math.min(entries.length, start + blockEntries);
    let json = blockJson(entries.slice(start, end));
    while (end - start > 1 && Buffer.byteLength(json) > blockBytes) {
      end = start + Math.max(1, Math.floor((end - start) / 2));
      json = blockJson(entries.slice(start, end));
    }
    blocks.push({ entries: entries.slice(start, end), json });
    start = end;
  }
  return blocks;
}

function fromItem(item: Record<string, AttributeValue>): LedgerEntry {
  return {
    tenant: item.tenant?.S ?? '',
    seq: Number(item.seq?.N),
    at: item.at?.S ?? '',
    kind: item.kind?.S ?? '',
    actor: item.actor?.S ?? '',
    subject: item.subject?.S ?? null,
    data: JSON.parse(item.data?.S ?? '{}') as Record<string, unknown>,
    prevHash: item.prevHash?.S ?? '',
    hash: item.hash?.S ?? '',
    ...(item.traceId?.S ? { traceId: item.traceId.S } : {}),
  };
}
