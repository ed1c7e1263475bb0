/**
 * Wire schemas of entity resolution: the source record a producer sends, the intake event that wraps it with its
 * idempotency key, and the envelope the intake API puts on SQS. The API and the consumer import the same schemas, so a
 * message that passed the API can only fail the consumer if it was changed or enqueued by something else.
 */
import { z } from 'zod';
import { dataClasses, entityKinds, licences } from '../graph/types.js';
import { invalidText } from '../json/text.js';

/** Ids, tenants and idempotency keys: what the graph accepts as an id (printable, no spaces, ≤ 128). */
export const keySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'use letters, digits and . _ : @ -');

/** An external identifier; stored and blocked on as `scheme:value` after normalisation. */
export const identifierSchema = z.object({
  scheme: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and -'),
  value: z.string().trim().min(1).max(128),
});

/** Kinds of dates ER compares; a date of one type is only ever compared with the same type. */
export const dateTypes = ['birth', 'death', 'founded', 'dissolved', 'registered'] as const;

/** A partial ISO date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (sources often know only the year). */
export const partialDateSchema = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'use YYYY[-MM[-DD]]');

export const recordDateSchema = z.object({ type: z.enum(dateTypes), value: partialDateSchema });

export const sourceSchema = z.object({
  system: z.string().min(1).max(100),
  recordId: z.string().min(1).max(200),
  retrievedAt: z.iso.datetime({ offset: true }).nullish(),
});

/** Maximum serialised size of one record: keeps every SQS message far below the 256 KiB limit in batches of 10. */
export const maxRecordBytes = 16 * 1024;

/** A source record about one real-world entity (person, organisation, …) from one source system. */
export const sourceRecordSchema = z
  .object({
    kind: z.enum(entityKinds),
    names: z.array(z.string().trim().min(1).max(200)).max(20),
    identifiers: z.array(identifierSchema).max(20).default([]),
    dates: z.array(recordDateSchema).max(10).default([]),
    source: sourceSchema,
    licence: z.enum(licences),
    dataClass: z.enum(dataClasses),
    attributes: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((r) => Buffer.byteLength(JSON.stringify(r)) <= maxRecordBytes, `must serialise to ≤ ${maxRecordBytes} bytes`)
  // Scored on what it has: a record with an identifier but no name is matched on the identifier, dates and address.
  .refine((r) => r.names.length > 0 || r.identifiers.length > 0, {
    message: 'give at least one name or one identifier',
    path: ['names'],
  })
  // A string the queue or the graph cannot carry would be refused downstream on every retry: refuse it here.
  .superRefine((r, ctx) => {
    const bad = invalidText(r);
    if (bad) ctx.addIssue({ code: 'custom', path: bad.path, message: `text ${bad.problem}` });
  });

export type SourceRecord = z.output<typeof sourceRecordSchema>;
export type SourceRecordInput = z.input<typeof sourceRecordSchema>;

/** One event of a `POST /intake` body: the record plus the producer's idempotency key (required). */
export const intakeEventSchema = z.object({ idempotencyKey: keySchema, record: sourceRecordSchema });
export type IntakeEvent = z.output<typeof intakeEventSchema>;

/** The SQS message body. `eventId` is derived from (tenant, idempotencyKey), so a re-sent event keeps its id. */
export const envelopeSchema = z.object({
  v: z.literal(1),
  tenant: keySchema,
  eventId: keySchema,
  idempotencyKey: keySchema,
  /** Epoch ms when the API accepted it (lag = processing time − acceptedAt). */
  acceptedAt: z.number().int().nonnegative(),
  /** Who submitted it (JWT subject), for the audit trail. */
  submittedBy: z.string().min(1).max(200),
  record: sourceRecordSchema,
});
export type Envelope = z.output<typeof envelopeSchema>;
