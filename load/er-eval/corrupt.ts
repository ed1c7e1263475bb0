/**
 * The corruptions of the labelled generator, each a pure function of a PRNG and the record's fields. They model what
 * sources do to people's data, not what any scorer happens to handle: keyboard typos, OCR confusions, nicknames,
 * swapped and missing name parts, identifier digit errors and transpositions, date typos and day/month swaps, moves.
 */
import { pick, type Rng } from '../../infra/local/seed/names.js';
import { nicknames } from './names.js';

export const corruptionKinds = [
  'typo',
  'ocr',
  'nickname',
  'nameSwap',
  'nameMissing',
  'idDigit',
  'idTranspose',
  'idMissing',
  'dateDigit',
  'dateSwap',
  'dateMissing',
  'move',
] as const;
export type CorruptionKind = (typeof corruptionKinds)[number];

export interface Address {
  line: string;
  city: string;
  postcode: string;
}

/** A record's fields as the source presents them (after any corruption). */
export interface Fields {
  given: string | null;
  middle: string | null;
  family: string | null;
  /** ISO `YYYY-MM-DD`. */
  dob: string | null;
  /** National identifier, nine digits when clean. */
  nid: string | null;
  address: Address;
}

/** Fisher–Yates shuffle into a new array. */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

type NameField = 'given' | 'middle' | 'family';
const nameFields = (f: Fields): NameField[] => (['given', 'middle', 'family'] as const).filter((k) => f[k]);
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** One keyboard slip in a word: substitution, deletion, insertion or adjacent transposition (never the first letter). */
export function typo(rng: Rng, word: string): string {
  if (word.length < 3) return `${word}${pick(rng, [...letters])}`;
  const i = 1 + Math.floor(rng() * (word.length - 1));
  const op = Math.floor(rng() * 4);
  const c = pick(rng, [...letters]);
  if (op === 0) return word.slice(0, i) + (c === word[i] ? 'x' : c) + word.slice(i + 1);
  if (op === 1) return word.slice(0, i) + word.slice(i + 1);
  if (op === 2) return word.slice(0, i) + c + word.slice(i);
  const j = Math.min(i, word.length - 2);
  if (word[j] === word[j + 1]) return word.slice(0, j) + word.slice(j + 1);
  return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2);
}

/** Characters OCR confuses, both ways (0↔O, 1↔l, 5↔S, 8↔B, 2↔Z, rn↔m, cl↔d). */
const ocrPairs: readonly [string, string][] = [
  ['0', 'O'],
  ['O', '0'],
  ['o', '0'],
  ['1', 'l'],
  ['l', '1'],
  ['I', '1'],
  ['i', '1'],
  ['5', 'S'],
  ['S', '5'],
  ['s', '5'],
  ['8', 'B'],
  ['B', '8'],
  ['2', 'Z'],
  ['Z', '2'],
  ['rn', 'm'],
  ['m', 'rn'],
  ['cl', 'd'],
];

/** One OCR confusion in `text`, or null when it holds nothing OCR confuses. */
export function ocr(rng: Rng, text: string): string | null {
  const spots: [number, string, string][] = [];
  for (const [from, to] of ocrPairs) {
    for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + 1)) spots.push([i, from, to]);
  }
  if (spots.length === 0) return null;
  const [i, from, to] = pick(rng, spots);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

const isValidDate = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** One digit of a date changed so that it is still a real date (a typed or misread digit). */
export function dateDigit(rng: Rng, iso: string): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const positions = [2, 3, 5, 6, 8, 9];
    const p = pick(rng, positions);
    const digit = String(Math.floor(rng() * 10));
    if (digit === iso[p]) continue;
    const next = iso.slice(0, p) + digit + iso.slice(p + 1);
    const [y, m, d] = next.split('-').map(Number) as [number, number, number];
    if (y >= 1900 && y <= 2025 && isValidDate(y, m, d)) return next;
  }
  const y = Number(iso.slice(0, 4));
  return `${y === 2000 ? 2001 : y + (y % 10 === 9 ? -1 : 1)}${iso.slice(4)}`;
}

/** Day and month swapped (only possible when the day is a month number and differs from it). */
export function dateSwap(iso: string): string | null {
  const [y, m, d] = iso.split('-') as [string, string, string];
  if (Number(d) > 12 || d === m) return null;
  return `${y}-${d}-${m}`;
}

/** One digit of an identifier replaced by another. */
export function idDigit(rng: Rng, id: string): string {
  const digits = [...id].flatMap((c, i) => (/\d/.test(c) ? [i] : []));
  if (digits.length === 0) return `${id}${Math.floor(rng() * 10)}`;
  const i = pick(rng, digits);
  const next = String((Number(id[i]) + 1 + Math.floor(rng() * 9)) % 10);
  return id.slice(0, i) + next + id.slice(i + 1);
}

/** Two adjacent, different characters of an identifier swapped, or null when every neighbour pair is equal. */
export function idTranspose(rng: Rng, id: string): string | null {
  const spots = [...id].flatMap((c, i) => (i + 1 < id.length && id[i + 1] !== c ? [i] : []));
  if (spots.length === 0) return null;
  const i = pick(rng, spots);
  return id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
}

/**
 * Applies one corruption of `kind` to `f` in place; false when it does not apply to these fields (nothing changed).
 * `newAddress` makes the address of a move.
 */
export function applyCorruption(rng: Rng, kind: CorruptionKind, f: Fields, newAddress: () => Address): boolean {
  switch (kind) {
    case 'typo': {
      const k = pick(rng, nameFields(f));
      f[k] = typo(rng, f[k]!);
      return true;
    }
    case 'ocr': {
      const targets = [...nameFields(f), ...(f.nid ? (['nid'] as const) : [])];
      for (const k of shuffle(rng, targets)) {
        const next = ocr(rng, f[k]!);
        if (next) {
          f[k] = next;
          return true;
        }
      }
      return false;
    }
    case 'nickname': {
      const nicks = f.given ? nicknames[f.given] : undefined;
      if (!nicks?.length) return false;
      f.given = pick(rng, nicks);
      return true;
    }
    case 'nameSwap':
      if (!f.given || !f.family) return false;
      [f.given, f.family] = [f.family, f.given];
      return true;
    case 'nameMissing': {
      if (f.middle && rng() < 0.6) f.middle = null;
      else if (f.given && f.family && rng() < 0.5) f.given = null;
      else if (f.given && f.given.length > 1) f.given = f.given[0]!;
      else return false;
      return true;
    }
    case 'idDigit':
      if (!f.nid) return false;
      f.nid = idDigit(rng, f.nid);
      return true;
    case 'idTranspose': {
      const next = f.nid ? idTranspose(rng, f.nid) : null;
      if (!next) return false;
      f.nid = next;
      return true;
    }
    case 'dateDigit':
      if (!f.dob) return false;
      f.dob = dateDigit(rng, f.dob);
      return true;
    case 'dateSwap': {
      const next = f.dob ? dateSwap(f.dob) : null;
      if (!next) return false;
      f.dob = next;
      return true;
    }
    case 'idMissing':
    case 'dateMissing': {
      const k = kind === 'idMissing' ? 'nid' : 'dob';
      if (!f[k]) return false;
      f[k] = null;
      return true;
    }
    case 'move':
      f.address = newAddress();
      return true;
  }
}
