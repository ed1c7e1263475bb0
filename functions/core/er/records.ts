/**
 * A record as entity resolution keeps it on the entity it wrote (`erRecord`): the normalised values it compares and
 * the address parts, without the rest of the attributes. Merges never change it, so training and re-clustering
 * compare each record as it arrived, not the union a survivor shows.
 */
import { z } from 'zod';
import { entityKinds } from '../graph/types.js';
import { type AddressParts, addressOf, type ComparableRecord } from './model/comparisons.js';
import type { NormalisedRecord } from './normalise.js';

const addressSchema = z.object({
  postcode: z.string().nullable(),
  locality: z.string().nullable(),
  street: z.string().nullable(),
});

export const storedRecordSchema = z.object({
  kind: z.enum(entityKinds),
  names: z.array(z.string()),
  tokens: z.array(z.string()),
  identifiers: z.array(z.string()),
  dates: z.record(z.string(), z.string()),
  addresses: z.array(addressSchema),
});

/** The comparable form ER stores; also a {@link ComparableRecord} and enough for blocking. */
export type StoredRecord = z.output<typeof storedRecordSchema>;

const hasAny = (a: AddressParts) => !!(a.postcode || a.locality || a.street);

/** What ER stores for a normalised record and its attributes. */
export function storedRecordOf(n: NormalisedRecord, attributes: Readonly<Record<string, unknown>>): StoredRecord {
  const address = addressOf(attributes);
  return {
    kind: n.kind,
    names: n.names,
    tokens: n.tokens,
    identifiers: n.identifiers,
    dates: n.dates,
    addresses: hasAny(address) ? [address] : [],
  };
}

/** A stored record as the comparisons take it (its addresses already parsed). */
export function comparableOfStored(r: StoredRecord): ComparableRecord {
  return { names: r.names, identifiers: r.identifiers, dates: r.dates, addresses: r.addresses };
}
