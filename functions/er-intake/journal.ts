/**
 * Journals the events the queue accepted before the producer hears so (core/journal), so a graph restored from a
 * backup can be brought forward by replaying them. An event the queue took but the journal did not is reported as
 * ENQUEUE_FAILED (503): the producer resends it with the same key, and the consumer's idempotency makes that safe.
 */
import type { Envelope } from '../core/er/schemas.js';
import type { WriteJournal } from '../core/journal/index.js';
import type { EnqueueResult } from './enqueue.js';

type Send = (envelopes: Envelope[]) => Promise<EnqueueResult[]>;

/** Wraps the intake's `send` so every envelope reported as enqueued is also journaled. */
export function journaledSend(send: Send, journal: WriteJournal, log?: (e: Record<string, unknown>) => void): Send {
  return async (envelopes) => {
    const results = await send(envelopes);
    const byTenant = new Map<string, number[]>();
    results.forEach((r, i) => {
      if (r !== null) return;
      const tenant = envelopes[i]!.tenant;
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), i]);
    });
    for (const [tenant, indexes] of byTenant) {
      try {
        await journal.append(
          tenant,
          indexes.map((i) => ({ kind: 'event', envelope: envelopes[i] as unknown as Record<string, unknown> })),
        );
      } catch (err) {
        log?.({
          level: 'error',
          msg: 'write journal unavailable; events reported as not accepted',
          error: String(err),
        });
        for (const i of indexes) {
          results[i] = {
            code: 'ENQUEUE_FAILED',
            message: 'the event was queued but not journaled; resend with the same idempotency key',
          };
        }
      }
    }
    return results;
  };
}
