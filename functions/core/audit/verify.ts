/**
 * Ledger verification: walks a tenant's chain in order and reports the first entry that breaks it, and how. An edited
 * entry shows as HASH_MISMATCH at that entry; a deleted one as GAP; an entry re-hashed after an edit as LINK_MISMATCH
 * at the entry after it (whose prevHash no longer matches).
 */
import { entryHash, genesisHash } from './chain.js';
import type { LedgerEntry } from './types.js';

export type BreakKind = 'GAP' | 'LINK_MISMATCH' | 'HASH_MISMATCH' | 'TENANT_MISMATCH';

export interface LedgerBreak {
  /** Sequence number of the first broken entry (for a GAP: the entry found where another was expected). */
  seq: number;
  kind: BreakKind;
  expected: string;
  found: string;
}

export interface VerifyReport {
  tenant: string;
  ok: boolean;
  /** Entries checked before stopping (all of them when ok). */
  checked: number;
  lastSeq: number;
  firstBreak: LedgerBreak | null;
}

/**
 * Verifies a chain read in sequence order.
 *
 * @example
 * const report = await verifyLedger('acme', ledger.read('acme'));
 * if (!report.ok) console.log(report.firstBreak); // { seq: 42, kind: 'HASH_MISMATCH', … }
 */
export async function verifyLedger(
  tenant: string,
  entries: AsyncIterable<LedgerEntry> | Iterable<LedgerEntry>,
): Promise<VerifyReport> {
  let expectedSeq = 1;
  let prevHash = genesisHash;
  let checked = 0;
  const broken = (seq: number, kind: BreakKind, expected: string, found: string): VerifyReport => ({
    tenant,
    ok: false,
    checked,
    lastSeq: expectedSeq - 1,
    firstBreak: { seq, kind, expected, found },
  });
  for await (const entry of entries) {
    if (entry.tenant !== tenant) return broken(entry.seq, 'TENANT_MISMATCH', tenant, entry.tenant);
    if (entry.seq !== expectedSeq) return broken(entry.seq, 'GAP', String(expectedSeq), String(entry.seq));
    if (entry.prevHash !== prevHash) return broken(entry.seq, 'LINK_MISMATCH', prevHash, entry.prevHash);
    const { hash, ...rest } = entry;
    const recomputed = entryHash(rest);
    if (recomputed !== hash) return broken(entry.seq, 'HASH_MISMATCH', recomputed, hash);
    prevHash = hash;
    expectedSeq++;
    checked++;
  }
  return { tenant, ok: true, checked, lastSeq: expectedSeq - 1, firstBreak: null };
}
