import { describe, expect, it } from 'vitest';
import { ConflictError } from '../graph/errors.js';
import { WriteInDoubtError } from './errors.js';
import { journaledWrite } from './intent.js';
import { MemoryWriteJournal } from './memory-journal.js';
import type { JournalPayload, WriteJournal } from './types.js';

/** A memory journal whose outcome appends fail (the intent's append goes through). */
class OutcomesFail extends MemoryWriteJournal {
  override async append(tenant: string, payloads: readonly JournalPayload[]) {
    if (payloads.some((p) => p.kind === 'outcome')) throw new Error('injected: journal unreachable');
    return super.append(tenant, payloads);
  }
}

const options = (journal: WriteJournal) => ({
  journal,
  tenant: 't-1',
  operation: 'upsertEntity' as const,
  input: { id: 'e-1', at: 5 },
});
const kinds = (journal: MemoryWriteJournal) =>
  journal.entries.map((e) => (e.payload.kind === 'outcome' ? e.payload.outcome : e.payload.kind));

describe('journaledWrite', () => {
  it('journals the intent with its input before the write and `committed` after it', async () => {
    const journal = new MemoryWriteJournal();
    let seenBeforeWrite = 0;

    const value = await journaledWrite(options(journal), async () => {
      seenBeforeWrite = journal.entries.length;
      return 'ok';
    });

    expect(value).toBe('ok');
    expect(seenBeforeWrite).toBe(1);
    expect(kinds(journal)).toEqual(['graphql', 'committed']);
    const [intent, outcome] = journal.entries.map((e) => e.payload);
    expect(intent).toMatchObject({ operation: 'upsertEntity', input: { id: 'e-1', at: 5 } });
    expect(outcome).toMatchObject({ intent: (intent as { intent: string }).intent });
  });

  it('journals `aborted` for a write refused before its commit, and `unchanged` for one that changed nothing', async () => {
    const journal = new MemoryWriteJournal();

    const refused = journaledWrite(options(journal), async () => {
      throw new ConflictError('already merged');
    });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await journaledWrite({ ...options(journal), changed: (v: { changed: boolean }) => v.changed }, async () => ({
      changed: false,
    }));

    expect(kinds(journal)).toEqual(['graphql', 'aborted', 'graphql', 'unchanged']);
  });

  it('leaves an unexpected failure in doubt: no outcome', async () => {
    const journal = new MemoryWriteJournal();

    const failed = journaledWrite(options(journal), async () => {
      throw new Error('ServiceUnavailable: connection lost mid-commit');
    });

    await expect(failed).rejects.toThrow('mid-commit');
    expect(kinds(journal)).toEqual(['graphql']);
  });

  it('does not acknowledge a committed write whose outcome cannot be journaled (WRITE_IN_DOUBT, logged)', async () => {
    const journal = new OutcomesFail();
    const logged: Record<string, unknown>[] = [];

    const write = journaledWrite({ ...options(journal), log: (e) => logged.push(e) }, async () => 'committed');

    await expect(write).rejects.toBeInstanceOf(WriteInDoubtError);
    await expect(write).rejects.toMatchObject({ code: 'WRITE_IN_DOUBT' });
    expect(logged).toEqual([expect.objectContaining({ level: 'error', outcome: 'committed' })]);
  });

  it('still answers a write that changed nothing, or rethrows its refusal, when the outcome cannot be journaled', async () => {
    const journal = new OutcomesFail();
    const unchanged = { ...options(journal), changed: () => false };

    await expect(journaledWrite(unchanged, async () => 'same')).resolves.toBe('same');
    const refused = journaledWrite(options(journal), async () => {
      throw new ConflictError('already merged');
    });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not attempt the write when its intent cannot be journaled (JOURNAL_UNAVAILABLE)', async () => {
    const journal = new MemoryWriteJournal();
    journal.failWith = new Error('injected');
    let ran = false;

    const write = journaledWrite(options(journal), async () => {
      ran = true;
    });

    await expect(write).rejects.toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect(ran).toBe(false);
  });
});
