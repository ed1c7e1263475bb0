/**
 * The labelled generator of `npm run er:eval`: people with 1–5 records each, every record corrupted by zero to three
 * kinds of real-world error (see corrupt.ts), shuffled into arrival order. A pure function of `--people` and `--seed`:
 * the same arguments give the same records, labels and order on every machine.
 */
import type { SourceRecordInput } from '../../functions/core/er/schemas.js';
import { mulberry32, pick, type Rng } from '../../infra/local/seed/names.js';
import {
  type Address,
  applyCorruption,
  type CorruptionKind,
  corruptionKinds,
  type Fields,
  shuffle,
} from './corrupt.js';
import { cities, familyNames, givenNames, middleNames, streetKinds, streets } from './names.js';

/** The truth about one person. */
export interface Person {
  id: string;
  fields: Fields;
  /** Person id of the earlier person whose family name and address this one shares (a household), if any. */
  householdOf: string | null;
}

/** One record as a source sends it, with its label (`personId`) and what was done to it. */
export interface LabelledRecord {
  recordId: string;
  personId: string;
  source: string;
  corruptions: CorruptionKind[];
  fields: Fields;
}

export interface GeneratorOptions {
  people: number;
  seed: number;
}

/** Records per person: 1 → 35%, 2 → 25%, 3 → 20%, 4 → 12%, 5 → 8%. */
const recordsPerPerson = [0.35, 0.25, 0.2, 0.12, 0.08] as const;
/** Corruptions per record: 0 → 25%, 1 → 35%, 2 → 25%, 3 → 15%. */
const corruptionsPerRecord = [0.25, 0.35, 0.25, 0.15] as const;
/** Share of people who join an earlier person's household (same family name and address: a hard negative). */
export const householdShare = 0.08;
const sources = ['crm', 'kyc', 'claims', 'registry', 'scan'] as const;

function weighted(rng: Rng, weights: readonly number[]): number {
  let r = rng();
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const upper = 'ABCDEFGHJKLMNPRSTUWXY';

function address(rng: Rng): Address {
  const postcode = `${pick(rng, [...upper])}${pick(rng, [...upper])}${1 + Math.floor(rng() * 29)} ${Math.floor(rng() * 10)}${pick(rng, [...upper])}${pick(rng, [...upper])}`;
  return {
    line: `${1 + Math.floor(rng() * 180)} ${pick(rng, streets)} ${pick(rng, streetKinds)}`,
    city: pick(rng, cities),
    postcode,
  };
}

function birthDate(rng: Rng): string {
  const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(rng() * 65 * 365.25) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

function person(rng: Rng, index: number, earlier: readonly Person[]): Person {
  const household = earlier.length > 0 && rng() < householdShare ? pick(rng, earlier) : null;
  return {
    id: `p${pad(index, 6)}`,
    householdOf: household?.id ?? null,
    fields: {
      given: pick(rng, givenNames),
      middle: rng() < 0.5 ? pick(rng, middleNames) : null,
      family: household?.fields.family ?? pick(rng, familyNames),
      dob: birthDate(rng),
      nid: pad(Math.floor(rng() * 1e9), 9),
      address: household ? { ...household.fields.address } : address(rng),
    },
  };
}

/** A record of `p` with `count` distinct corruptions, drawn from those that apply to its fields. */
function corruptedRecord(rng: Rng, p: Person, count: number): { fields: Fields; corruptions: CorruptionKind[] } {
  const fields: Fields = { ...p.fields, address: { ...p.fields.address } };
  const corruptions: CorruptionKind[] = [];
  for (const kind of shuffle(rng, corruptionKinds)) {
    if (corruptions.length === count) break;
    if (applyCorruption(rng, kind, fields, () => address(rng))) corruptions.push(kind);
  }
  return { fields, corruptions };
}

/** People, their records (shuffled into arrival order) and the labels. */
export function generate(options: GeneratorOptions): { people: Person[]; records: LabelledRecord[] } {
  const rng = mulberry32(options.seed);
  const people: Person[] = [];
  const records: Omit<LabelledRecord, 'recordId'>[] = [];
  for (let i = 0; i < options.people; i++) {
    const p = person(rng, i, people);
    people.push(p);
    const n = 1 + weighted(rng, recordsPerPerson);
    for (let k = 0; k < n; k++) {
      const { fields, corruptions } = corruptedRecord(rng, p, weighted(rng, corruptionsPerRecord));
      records.push({ personId: p.id, source: pick(rng, sources), corruptions, fields });
    }
  }
  const ordered = shuffle(rng, records).map((r, i) => ({ recordId: `r${pad(i, 6)}`, ...r }));
  return { people, records: ordered };
}

/** The full name a source prints: the parts it has, in its order. */
export const fullName = (f: Fields) => [f.given, f.middle, f.family].filter(Boolean).join(' ');

/** The record as graphgate's intake API takes it (what it does not score, the address, rides in `attributes`). */
export function toSourceRecord(r: LabelledRecord): SourceRecordInput {
  const f = r.fields;
  return {
    kind: 'PERSON',
    names: [fullName(f)],
    identifiers: f.nid ? [{ scheme: 'nid', value: f.nid }] : [],
    dates: f.dob ? [{ type: 'birth', value: f.dob }] : [],
    source: { system: r.source, recordId: r.recordId },
    licence: 'INTERNAL_ONLY',
    dataClass: 'ENTITY',
    attributes: { address: f.address.line, city: f.address.city, postcode: f.address.postcode },
  };
}

/** The row Splink reads: the same fields, one column each (`null` where the source has none). */
export function toSplinkRow(r: LabelledRecord) {
  const f = r.fields;
  return {
    unique_id: r.recordId,
    first_name: f.given,
    middle_name: f.middle,
    surname: f.family,
    dob: f.dob,
    nid: f.nid,
    address: f.address.line,
    city: f.address.city,
    postcode: f.address.postcode,
  };
}
