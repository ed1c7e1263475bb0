import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../audit/memory-ledger.js';
import { findRecentEntry } from './pipeline.js';

describe('orphaned ledger entries after a crash', () => {
  it('finds the er.band entry appended for an event but never recorded, and nothing for other events', async () => {
    const ledger = new MemoryAuditLedger();
    await ledger.append('acme', { kind: 'er.band', actor: 'er', subject: 'evt-1', data: {} });
    const orphan = await ledger.append('acme', { kind: 'er.band', actor: 'er', subject: 'evt-2', data: {} });
    await ledger.append('acme', { kind: 'stepup.sensitive-call', actor: 'x', subject: 'evt-3', data: {} });

    expect((await findRecentEntry(ledger, 'acme', 'evt-2'))?.seq).toBe(orphan.seq);
    expect(await findRecentEntry(ledger, 'acme', 'evt-3')).toBeUndefined(); // other kinds do not count
    expect(await findRecentEntry(ledger, 'other', 'evt-2')).toBeUndefined(); // never across tenants
  });
});
