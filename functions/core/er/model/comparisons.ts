/**
 * Comparison functions: for a pair of records, one level per comparison (names; each identifier scheme; each date
 * type; the address). Absent fields give the `missing` level, which the model scores as Bayes factor 1, so a sparse
 * record is judged on what it has rather than punished for what it lacks.
 */
import { createHash } from 'node:crypto';
import { nameTokens } from '../../graph/name-tokens.js';
import type { NormalisedRecord } from '../normalise.js';
import { jaroWinkler, osaDistance } from '../similarity.js';
import { type LevelId, missingLevel } from './levels.js';
import { compareNameLists, nameParts } from './names.js';

/** What the model compares: a normalised record plus the attributes it came with (where an address lives). */
export type ComparableRecord = Pick<NormalisedRecord, 'names' | 'identifiers' | 'dates'> & {
  attributes?: Readonly<Record<string, unknown>>;
  /**
   * Every value seen per date type, for an entity built from several records (a record has one per type, in
   * `dates`). A comparison takes the best level over the values of both sides.
   */
  dateSets?: Readonly<Record<string, readonly string[]>>;
  /** Every address seen, for an entity built from several records (else the one in `attributes`). */
  addresses?: readonly AddressParts[];
};

/** One comparison of a pair: its id (`name`, `identifier:nid`, `date:birth`, `address`) and level. */
export interface ComparisonResult {
  comparison: string;
  level: string;
  /** Name tokens that agreed exactly (for the term-frequency adjustment of the name comparison). */
  agreedTokens?: string[];
  /** The address both share exactly (its {@link addressDigest}), for the term-frequency adjustment of the address. */
  agreedAddress?: string;
}

/** The key an exact address agreement is priced by: postcode and street line. */
export const addressKey = (a: AddressParts) => `${a.postcode ?? ''}|${a.street ?? ''}`;

/** How a model's term-frequency table names an address: a digest of its key, so the model holds no street line. */
export const addressDigest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 20);

/** Address parts in comparable form; null where the record does not say. */
export interface AddressParts {
  postcode: string | null;
  locality: string | null;
  street: string | null;
}

// Attribute names sources commonly use for each part; the first present string wins.
const postcodeKeys = ['postcode', 'postalCode', 'postal_code', 'zip', 'zipCode', 'zip_code'];
const localityKeys = ['city', 'locality', 'town'];
const streetKeys = ['street', 'address', 'addressLine1', 'address_line1', 'line1', 'streetAddress'];

function firstString(obj: Readonly<Record<string, unknown>>, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

/** The address parts of a record's attributes, flat or under an `address` object. */
export function addressOf(attributes: Readonly<Record<string, unknown>> = {}): AddressParts {
  const nested = attributes.address;
  const obj =
    nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Record<string, unknown>) : attributes;
  const postcode = firstString(obj, postcodeKeys);
  const locality = firstString(obj, localityKeys);
  const street = firstString(obj, streetKeys);
  const words = (s: string | null) => (s ? nameTokens([s]).join(' ') || null : null);
  return {
    postcode: postcode ? postcode.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase() || null : null,
    locality: words(locality),
    street: words(street),
  };
}

/** Per-record derived values, computed once per record object (scoring compares one record with many). */
interface Prepared {
  names: string[][];
  identifiers: Map<string, string[]>;
  dates: Map<string, string[]>;
  addresses: AddressParts[];
}
const prepared = new WeakMap<ComparableRecord, Prepared>();

function prepare(r: ComparableRecord): Prepared {
  let p = prepared.get(r);
  if (!p) {
    const identifiers = new Map<string, string[]>();
    for (const id of r.identifiers) {
      const at = id.indexOf(':');
      const scheme = at > 0 ? id.slice(0, at) : 'unknown';
      identifiers.set(scheme, [...(identifiers.get(scheme) ?? []), id.slice(at + 1)]);
    }
    const dates = new Map<string, string[]>();
    for (const [type, value] of Object.entries(r.dates)) dates.set(type, [value]);
    for (const [type, values] of Object.entries(r.dateSets ?? {})) {
      dates.set(type, [...new Set([...(dates.get(type) ?? []), ...values])]);
    }
    const addresses = r.addresses?.length ? [...r.addresses] : [addressOf(r.attributes)];
    p = { names: r.names.map(nameParts), identifiers, dates, addresses };
    prepared.set(r, p);
  }
  return p;
}

/**
 * Identifier values of one scheme: exact, one edit (or adjacent swap), two edits, different. An edit counts as a slip
 * only in a value long enough that the rest still identifies it: one edit from 4 characters, two from 8 (`A1` and
 * `B2` are different values, not two slips).
 */
export function compareIdentifierValues(a: string, b: string): LevelId<'identifier'> {
  if (a === b) return 'exact';
  const allowed = Math.min(2, Math.floor(Math.min(a.length, b.length) / 4));
  const d = osaDistance(a, b, 2);
  return d === 1 && allowed >= 1 ? 'edit1' : d === 2 && allowed >= 2 ? 'edit2' : 'different';
}

const digitsDiffering = (a: string, b: string) => [...a].filter((c, i) => c !== b[i]).length;

/**
 * Two partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`). At different precisions they are compared on the parts both
 * have, and agreement there is only `year`: the finer one may still differ.
 */
export function compareDates(a: string, b: string): LevelId<'date'> {
  if (a === b) return 'exact';
  if (a.length !== b.length) {
    const n = Math.min(a.length, b.length);
    const d = digitsDiffering(a.slice(0, n), b.slice(0, n));
    return d === 0 ? 'year' : d === 1 ? 'digit' : a.slice(0, 4) === b.slice(0, 4) ? 'year' : 'different';
  }
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (da && db && ya === yb && ma === db && da === mb) return 'swap';
  if (digitsDiffering(a, b) === 1) return 'digit';
  return ya === yb ? 'year' : 'different';
}

/** Two addresses: same postcode and street, same postcode, same locality with a near street, else different. */
export function compareAddresses(a: AddressParts, b: AddressParts): LevelId<'address'> | 'missing' {
  const postcodes = !!a.postcode && !!b.postcode;
  const places = !!a.locality && !!b.locality && !!a.street && !!b.street;
  if (!postcodes && !places) return 'missing';
  if (postcodes && a.postcode === b.postcode) return a.street && a.street === b.street ? 'exact' : 'postcode';
  if (places && a.locality === b.locality && jaroWinkler(a.street!, b.street!) >= 0.9) return 'near';
  return 'different';
}

function bestOf<L extends string>(order: readonly L[], levels: L[]): L {
  return levels.reduce((best, l) => (order.indexOf(l) < order.indexOf(best) ? l : best));
}
const identifierOrder = ['exact', 'edit1', 'edit2', 'different'] as const;
const dateOrder = ['exact', 'swap', 'digit', 'year', 'different'] as const;
// `missing` last: one comparable pair of addresses says more than any pair where a side lacks one.
const addressOrder = ['exact', 'postcode', 'near', 'different', 'missing'] as const;
const missing = missingLevel.id;

/**
 * Every comparison of a pair, in a stable order: name, identifiers by scheme, dates by type, address. A scheme or date
 * type only one side carries appears as `missing`. Compare records of the same kind only.
 *
 * @example
 * compareRecords(a, b) // [{ comparison: 'name', level: 'jw92' }, { comparison: 'identifier:nid', level: 'edit1' }, …]
 */
export function compareRecords(a: ComparableRecord, b: ComparableRecord): ComparisonResult[] {
  const pa = prepare(a);
  const pb = prepare(b);
  const out: ComparisonResult[] = [];
  const name = compareNameLists(pa.names, pb.names);
  out.push(
    name
      ? { comparison: 'name', level: name.level, agreedTokens: name.agreed }
      : { comparison: 'name', level: missing },
  );
  for (const scheme of [...new Set([...pa.identifiers.keys(), ...pb.identifiers.keys()])].sort()) {
    const va = pa.identifiers.get(scheme);
    const vb = pb.identifiers.get(scheme);
    const levels = va && vb ? va.flatMap((x) => vb.map((y) => compareIdentifierValues(x, y))) : [];
    out.push({ comparison: `identifier:${scheme}`, level: levels.length ? bestOf(identifierOrder, levels) : missing });
  }
  for (const type of [...new Set([...pa.dates.keys(), ...pb.dates.keys()])].sort()) {
    const da = pa.dates.get(type);
    const db = pb.dates.get(type);
    const levels = da && db ? da.flatMap((x) => db.map((y) => compareDates(x, y))) : [];
    out.push({ comparison: `date:${type}`, level: levels.length ? bestOf(dateOrder, levels) : missing });
  }
  const addressLevels = pa.addresses.flatMap((x) => pb.addresses.map((y) => [compareAddresses(x, y), x] as const));
  const address = bestOf(
    addressOrder,
    addressLevels.map(([l]) => l),
  );
  const shared = address === 'exact' ? addressLevels.find(([l]) => l === 'exact')?.[1] : undefined;
  out.push({
    comparison: 'address',
    level: address,
    ...(shared ? { agreedAddress: addressDigest(addressKey(shared)) } : {}),
  });
  return out;
}
