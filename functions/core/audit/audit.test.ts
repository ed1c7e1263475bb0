import { describe, expect, it } from 'vitest';
import { genesisHash, nextEntry } from './chain.js';
import { LedgerInputError } from './errors.js';
import { MemoryAuditLedger } from './memory-ledger.js';
import { verifyLedger } from './verify.js';

async function ledgerWith(n: number, tenant = 'acme') {
  const ledger = new MemoryAuditLedger();
  for (let i = 1; i <= n; i++)
    await ledger.append(tenant, { kind: 'er.band', actor: 'test', subject: `ev-${i}`, data: { i } });
  return ledger;
}

describe('audit ledger', () => {
  it('chains entries from the genesis hash with gapless sequence numbers', async () => {
    const ledger = await ledgerWith(3);
    const entries = ledger.rawEntries('acme');
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prevHash).toBe(genesisHash);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(await verifyLedger('acme', ledger.read('acme'))).toMatchObject({ ok: true, checked: 3, lastSeq: 3 });
  });

  it('reports an edited entry as a hash mismatch at that entry', async () => {
    const ledger = await ledgerWith(5);
    ledger.rawEntries('acme')[2]!.data = { i: 999 };
    const report = await verifyLedger('acme', ledger.read('acme'));
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 3, kind: 'HASH_MISMATCH' });
    expect(report.checked).toBe(2);
  });

  it('reports a deleted entry as a gap', async () => {
    const ledger = await ledgerWith(4);
    ledger.rawEntries('acme').splice(1, 1);
    expect((await verifyLedger('acme', ledger.read('acme'))).firstBreak).toMatchObject({
      seq: 3,
      kind: 'GAP',
      expected: '2',
    });
  });

  it('reports an entry re-hashed after an edit as a link mismatch at the next entry', async () => {
    const ledger = await ledgerWith(4);
    const other = await ledgerWith(4);
    // Replace entry 2 by a self-consistent forgery from another chain: its own hash checks, the link from 3 does not.
    const forged = { ...other.rawEntries('acme')[1]!, data: { forged: true } };
    const { entryHash } = await import('./chain.js');
    forged.prevHash = ledger.rawEntries('acme')[0]!.hash;
    forged.hash = entryHash(forged);
    ledger.rawEntries('acme')[1] = forged;
    expect((await verifyLedger('acme', ledger.read('acme'))).firstBreak).toMatchObject({
      seq: 3,
      kind: 'LINK_MISMATCH',
    });
  });

  it('reports an entry of another tenant spliced into the chain', async () => {
    const ledger = await ledgerWith(2);
    ledger.rawEntries('acme')[1]!.tenant = 'globex';
    expect((await verifyLedger('acme', ledger.read('acme'))).firstBreak?.kind).toBe('TENANT_MISMATCH');
  });

  it('hashes canonical JSON, independent of key order, and refuses non-JSON data', async () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const first = (data: Record<string, unknown>) => nextEntry('acme', null, { kind: 'er.band', actor: 'x', data }, at);
    expect(first({ b: 1, a: { d: [1, { y: 2, x: 1 }] } }).hash).toBe(
      first({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }).hash,
    );
    const ledger = new MemoryAuditLedger();
    await expect(
      ledger.append('acme', { kind: 'er.band', actor: 'x', data: { n: Number.NaN } }),
    ).rejects.toBeInstanceOf(LedgerInputError);
    await expect(ledger.append('acme', { kind: 'Bad Kind', actor: 'x', data: {} })).rejects.toBeInstanceOf(
      LedgerInputError,
    );
  });

  it('appendOnce returns the stored entry of a kind and subject instead of appending a twin', async () => {
    const ledger = await ledgerWith(2);
    const again = await ledger.appendOnce('acme', { kind: 'er.band', actor: 'other', subject: 'ev-1', data: {} });
    const fresh = await ledger.appendOnce('acme', { kind: 'er.review', actor: 'x', subject: 'ev-1', data: {} });
    expect(again).toMatchObject({ appended: false, entry: { seq: 1, actor: 'test' } });
    expect(fresh).toMatchObject({ appended: true, entry: { seq: 3 } });
    expect(ledger.rawEntries('acme')).toHaveLength(3);
  });
});
