/** Factories of source records and envelopes for ER tests (unit and integration). */
import type { Envelope, SourceRecord } from '../schemas.js';

/** A valid person record; override any field. */
export function personRecord(overrides: Partial<SourceRecord> = {}): SourceRecord {
  return {
    kind: 'PERSON',
    names: ['Jane Doe'],
    identifiers: [],
    dates: [],
    source: { system: 'crm', recordId: `r-${Math.random().toString(36).slice(2, 10)}` },
    licence: 'INTERNAL_ONLY',
    dataClass: 'ENTITY',
    attributes: {},
    ...overrides,
  };
}

/** An envelope as the intake API would enqueue it. */
export function envelopeFor(
  tenant: string,
  idempotencyKey: string,
  record: SourceRecord,
  eventId = `ev-${idempotencyKey}`,
): Envelope {
  return { v: 1, tenant, eventId, idempotencyKey, acceptedAt: Date.now(), submittedBy: 'test-producer', record };
}
