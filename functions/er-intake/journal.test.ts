import { describe, expect, it } from 'vitest';
import type { Envelope } from '../core/er/schemas.js';
import { MemoryWriteJournal } from '../core/journal/index.js';
import type { EnqueueResult } from './enqueue.js';
import { journaledSend } from './journal.js';

const envelope = (n: number) => ({ tenant: 'acme', eventId: `ev-${n}` }) as unknown as Envelope;
const queueRefusesSecond = async (envelopes: Envelope[]): Promise<EnqueueResult[]> =>
  envelopes.map((_, i) => (i === 1 ? { code: 'ENQUEUE_FAILED', message: 'queue said no' } : null));

describe('journaled intake send', () => {
  it('journals exactly the events the queue accepted', async () => {
    const journal = new MemoryWriteJournal();
    const send = journaledSend(queueRefusesSecond, journal);

    const results = await send([envelope(1), envelope(2), envelope(3)]);

    expect(results.map((r) => r?.code ?? null)).toEqual([null, 'ENQUEUE_FAILED', null]);
    expect(journal.entries.map((e) => (e.payload.kind === 'event' ? e.payload.envelope.eventId : null))).toEqual([
      'ev-1',
      'ev-3',
    ]);
  });

  it('reports queued events as not accepted when the journal cannot take them, so the producer resends', async () => {
    const journal = new MemoryWriteJournal();
    journal.failWith = new Error('table unreachable');
    const logged: Record<string, unknown>[] = [];
    const send = journaledSend(queueRefusesSecond, journal, (e) => logged.push(e));

    const results = await send([envelope(1), envelope(2)]);

    expect(results.map((r) => r?.code ?? null)).toEqual(['ENQUEUE_FAILED', 'ENQUEUE_FAILED']);
    expect(results[0]?.message).toMatch(/resend with the same idempotency key/);
    expect(logged[0]).toMatchObject({ level: 'error' });
  });
});
