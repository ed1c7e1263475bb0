/**
 * Deterministic fake names for the seeder, with the variants entity resolution has to see through: typos,
 * transliterations and initials. Everything here is a pure function of a PRNG, so a seed reproduces the same graph.
 */

import type { Rng } from '../../../functions/core/rng.js';

export { mulberry32, type Rng } from '../../../functions/core/rng.js';

/** 32-bit FNV-1a of some parts; derives independent PRNG streams (per tenant, entity, batch) from one seed. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const firstNames = [
  'Aleksandr',
  'Alexander',
  'Jürgen',
  'Maria',
  'Mohammed',
  'Sergey',
  'Olga',
  'Chen',
  'Wei',
  'Fatima',
  'José',
  'François',
  'Søren',
  'Zoë',
  'Łukasz',
  'Ana',
  'John',
  'Jonathan',
  'Catherine',
  'Katharina',
  'Yusuf',
  'Dmitri',
  'Priya',
  'Rahul',
  'Ingrid',
  'Björn',
  'Nikolai',
  'Elena',
  'Ahmed',
  'Hannah',
  'Peter',
  'Pyotr',
  'Mikhail',
  'Amélie',
  'Giulia',
  'Matteo',
  'Sofía',
  'Andrés',
  'Kenji',
  'Yuki',
];
const lastNames = [
  'Müller',
  'Schmidt',
  'Ivanov',
  'Petrov',
  'Smirnova',
  'García',
  'Fernández',
  'Nguyen',
  'Zhang',
  'Wang',
  'Kowalski',
  'Nowak',
  'Jensen',
  'Larsen',
  'Dubois',
  'Lefèvre',
  'Rossi',
  'Bianchi',
  'Haddad',
  'Khan',
  'Patel',
  'Sharma',
  'Smith',
  'Johnson',
  'O’Brien',
  'MacDonald',
  'Novák',
  'Horváth',
  'Yilmaz',
  'Öztürk',
  'Tanaka',
  'Suzuki',
  'Kuznetsov',
  'Popescu',
  'Andersson',
  'Mendoza',
  'Gonçalves',
  'Schäfer',
  'Weiß',
  'Al-Sayed',
];
const orgStems = [
  'Nordlicht',
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Hooli',
  'Vandelay',
  'Müller & Söhne',
  'Baltic',
  'Danube',
  'Andes',
  'Sahara',
  'Pacifica',
  'Orion',
  'Helios',
];
const orgSuffixes = ['GmbH', 'Ltd', 'LLC', 'AG', 'S.A.', 'Holdings', 'Trading', 'Logistics', 'Group', 'OOO'];
const cities = [
  'München',
  'Zürich',
  'Kraków',
  'São Paulo',
  'Moskva',
  'Kyiv',
  'Istanbul',
  'Lagos',
  'Mumbai',
  'Shenzhen',
  'Tokyo',
  'Rotterdam',
  'Marseille',
  'Bogotá',
  'Dubai',
  'Tallinn',
  'Reykjavík',
  'Montréal',
  'Busan',
  'Nairobi',
];

/** Known transliteration pairs, tried before the generic letter rules. */
const translitWords: Record<string, string> = {
  Aleksandr: 'Alexander',
  Alexander: 'Aleksandr',
  Mohammed: 'Muhammad',
  Sergey: 'Sergei',
  Dmitri: 'Dmitry',
  Pyotr: 'Peter',
  Peter: 'Pyotr',
  Mikhail: 'Michael',
  Nikolai: 'Nikolay',
  Ivanov: 'Iwanow',
  Petrov: 'Petroff',
  Kuznetsov: 'Kusnezow',
  Smirnova: 'Smirnowa',
  Zhang: 'Chang',
  Katharina: 'Catherine',
  Catherine: 'Katharina',
  Yusuf: 'Youssef',
  Haddad: 'Hadad',
};
const translitLetters: [RegExp, string][] = [
  [/ü/g, 'ue'],
  [/ö/g, 'oe'],
  [/ä/g, 'ae'],
  [/ß/g, 'ss'],
  [/é|è/g, 'e'],
  [/ç/g, 'c'],
  [/ñ/g, 'n'],
  [/ø/g, 'oe'],
  [/ł/g, 'l'],
  [/ks/g, 'x'],
  [/ph/g, 'f'],
];

/** A person name; the first name and last name come from fixed lists so collisions (and ER work) happen. */
export function personName(rng: Rng): string {
  return `${pick(rng, firstNames)} ${pick(rng, lastNames)}`;
}

export function orgName(rng: Rng): string {
  return `${pick(rng, orgStems)} ${pick(rng, orgSuffixes)}`;
}

/** Names for the other kinds; `n` keeps them mostly unique. */
export function otherName(kind: string, rng: Rng, n: number): string {
  switch (kind) {
    case 'LOCATION':
      return `${pick(rng, cities)} ${['Hafen', 'Centre', 'Old Town', 'Airport', 'Port'][n % 5]} ${n % 97}`;
    case 'EVENT':
      return `${pick(rng, ['Summit', 'Meeting', 'Transfer', 'Shipment', 'Conference'])} ${pick(rng, cities)} ${2000 + (n % 25)}`;
    case 'DOCUMENT':
      return `${pick(rng, ['Report', 'Invoice', 'Contract', 'Memo'])} ${n}`;
    case 'ACCOUNT':
      return `Account ${String(n * 7919).padStart(8, '0')}`;
    default:
      return `${pick(rng, ['Volvo', 'Škoda', 'Toyota', 'Iveco'])} ${String.fromCharCode(65 + (n % 26))}${n % 9999}`;
  }
}

function typo(rng: Rng, name: string): string {
  const chars = [...name];
  const i = 1 + Math.floor(rng() * Math.max(1, chars.length - 2));
  const op = Math.floor(rng() * 3);
  if (op === 0 && chars[i + 1]) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  else if (op === 1) chars.splice(i, 1);
  else chars.splice(i, 0, chars[i] ?? 'e');
  return chars.join('');
}

function transliterate(name: string): string {
  const words = name.split(' ').map((w) => translitWords[w] ?? w);
  let out = words.join(' ');
  for (const [from, to] of translitLetters) out = out.replace(from, to);
  return out === name ? `${name.replace(/y\b/, 'i')}` : out;
}

function initials(name: string): string {
  const parts = name.split(' ');
  if (parts.length < 2) return name;
  const last = parts[parts.length - 1]!;
  return `${parts
    .slice(0, -1)
    .map((p) => `${p[0]}.`)
    .join(' ')} ${last}`;
}

/** A variant of `name` as another source would spell it: a typo, a transliteration, initials or reversed order. */
export function nameVariant(rng: Rng, name: string): string {
  const r = rng();
  if (r < 0.35) return typo(rng, name);
  if (r < 0.7) return transliterate(name);
  if (r < 0.9) return initials(name);
  const parts = name.split(' ');
  return parts.length > 1 ? `${parts.slice(1).join(' ')}, ${parts[0]}` : name;
}
