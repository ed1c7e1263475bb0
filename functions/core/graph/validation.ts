/**
 * Input validation at the repository edge. Bounds here are the cost hints of the templates (hops 1..3, row limits)
 * plus size caps that keep one write from bloating a node. Failures become `InvalidInputError` (INVALID_INPUT).
 */
import { z } from 'zod';
import { InvalidInputError } from './errors.js';
import { dataClasses, entityKinds, licences, relTypes } from './types.js';

const KiB = 1024;

/** Ids and tenants: short, printable, no spaces (they end up in cache keys and logs). */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'use letters, digits and . _ : @ -');

const jsonObject = (maxBytes: number) =>
  z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= maxBytes, `must serialise to at most ${maxBytes} bytes`);

const sourceSchema = z.object({
  system: z.string().min(1).max(100),
  recordId: z.string().min(1).max(200),
  retrievedAt: z.iso.datetime({ offset: true }).nullish(),
  licence: z.enum(licences).nullish(),
});

/** A policy purpose name (`fraud-review`); the policy decides which ones are known. */
const purposeSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and -');

/** An entity has a name or an identifier (a record known only by its passport number is still a record). */
export const entityInputSchema = z
  .object({
    id: idSchema.nullish(),
    kind: z.enum(entityKinds),
    names: z.array(z.string().trim().min(1).max(200)).max(50),
    identifiers: z
      .array(
        z
          .string()
          .max(200)
          .regex(/^[a-z0-9_-]+:\S+$/i, 'use scheme:value'),
      )
      .max(50)
      .nullish(),
    attributes: jsonObject(32 * KiB).nullish(),
    dataClass: z.enum(dataClasses),
    licence: z.enum(licences),
    sources: z.array(sourceSchema).max(100).nullish(),
    purposes: z.array(purposeSchema).max(20).nullish(),
  })
  .refine((e) => e.names.length > 0 || (e.identifiers?.length ?? 0) > 0, {
    message: 'give at least one name or one identifier',
    path: ['names'],
  });

/** Rows one export may read: every record gets a policy decision and a ledger entry, so exports stay small. */
export const maxExportRows = 200;

export const exportQuerySchema = z.object({
  selection: z.union([
    z.object({ ids: z.array(idSchema).min(1).max(maxExportRows), kinds: z.undefined().optional() }),
    z.object({ kinds: z.array(z.enum(entityKinds)).min(1).max(entityKinds.length), ids: z.undefined().optional() }),
  ]),
  limit: z.int().min(1).max(maxExportRows),
  dataClasses: z.array(z.enum(dataClasses)).max(dataClasses.length),
});

export const linkInputSchema = z
  .object({
    from: idSchema,
    to: idSchema,
    type: z.enum(relTypes),
    properties: jsonObject(16 * KiB).nullish(),
    confidence: z.number().min(0).max(1).nullish(),
    since: z.iso.datetime({ offset: true }).nullish(),
  })
  .refine((v) => v.from !== v.to, { message: 'an entity cannot be linked to itself', path: ['to'] });

export const neighborsQuerySchema = z.object({
  id: idSchema,
  hops: z.int().min(1).max(3),
  relTypes: z.array(z.enum(relTypes)).min(1).max(relTypes.length).nullish(),
  limit: z.int().min(1).max(500),
});

export const searchQuerySchema = z.object({
  text: z.string().min(1).max(200),
  kinds: z.array(z.enum(entityKinds)).min(1).max(entityKinds.length).nullish(),
  limit: z.int().min(1).max(100),
});

export const pathQuerySchema = z.object({ from: idSchema, to: idSchema, maxHops: z.int().min(1).max(3) });

export const mergeInputSchema = z
  .object({
    survivorId: idSchema,
    mergedId: idSchema,
    reason: z.string().max(500).nullish(),
    actor: z.string().min(1).max(200),
    /** Only a journal replay passes one: the merge keeps the id it was acknowledged with (unmerges name it). */
    mergeId: idSchema.optional(),
    /** Only a journal replay passes one: the epoch ms the merge was acknowledged at (its record and updatedAt keep it). */
    at: z.int().positive().optional(),
  })
  .refine((v) => v.survivorId !== v.mergedId, { message: 'cannot merge an entity into itself', path: ['mergedId'] });

export const reclassifyInputSchema = z.object({ id: idSchema, dataClass: z.enum(dataClasses) });

export const unmergeInputSchema = z.object({
  mergeId: idSchema,
  actor: z.string().min(1).max(200),
  /** Only a journal replay passes one: the epoch ms the unmerge was acknowledged at. */
  at: z.int().positive().optional(),
});

export const bookmarksSchema = z.array(z.string().max(1024)).max(32).optional();

/** Parses `value` or throws INVALID_INPUT naming what is wrong (`what` is the argument's name). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(`invalid ${what}: ${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}

/** The tenant comes from the signed request, but we check it too: it is in every query and every cache key. */
export function parseTenant(tenant: unknown): string {
  return parseInput(idSchema, tenant, 'tenant');
}
