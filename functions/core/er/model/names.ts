/**
 * The name comparison: order-free, part by part. Sources disagree on which part is the given name and which the
 * family name, drop middle names and given names, write initials and nicknames, and mistype; so each name is a bag of
 * tokens, tokens are paired across the two names (best pairs first), and the level is the weakest pairing.
 */
import { nameTokens } from '../../graph/name-tokens.js';
import { jaroWinkler } from '../similarity.js';
import type { LevelId } from './levels.js';
import { isNickname } from './nicknames.js';

/** How two tokens pair, best first: 0 exact, 1 JW ≥ 0.92, 2 JW ≥ 0.80, 3 nickname or initial, 4 no pairing. */
type TokenClass = 0 | 1 | 2 | 3 | 4;

/** Names with more parts than this are compared on their first parts only (bounds the pairing work per name). */
const maxTokens = 8;

function tokenClass(a: string, b: string): { cls: TokenClass; jw: number } {
  if (a === b) return { cls: 0, jw: 1 };
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return { cls: 1, jw };
  if (jw >= 0.8) return { cls: 2, jw };
  // An initial stands for any name with that first letter; a one-letter token is only ever an initial.
  const initial = (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
  if (initial || isNickname(a, b)) return { cls: 3, jw };
  return { cls: 4, jw };
}

/** The result of comparing two single names. */
export interface NamePairing {
  level: LevelId<'name'>;
  /** Tokens that agreed exactly (the term-frequency adjustment prices them). */
  agreed: string[];
}

/** The tokens of one name as the comparison sees them. */
export function nameParts(name: string): string[] {
  return nameTokens([name]).slice(0, maxTokens);
}

/**
 * Compares two names given as token lists (see {@link nameParts}); neither may be empty.
 *
 * @example
 * compareNameParts(['john', 'smith'], ['smith', 'john']).level // 'exact'
 */
export function compareNameParts(a: readonly string[], b: readonly string[]): NamePairing {
  const candidates: { i: number; j: number; cls: TokenClass; jw: number }[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) candidates.push({ i, j, ...tokenClass(a[i]!, b[j]!) });
  }
  // Greedy one-to-one pairing, best pairs first: with a handful of tokens it finds the pairing a person would.
  candidates.sort((x, y) => x.cls - y.cls || y.jw - x.jw);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const classes: TokenClass[] = [];
  const agreed: string[] = [];
  for (const c of candidates) {
    if (usedA.has(c.i) || usedB.has(c.j)) continue;
    usedA.add(c.i);
    usedB.add(c.j);
    classes.push(c.cls);
    if (c.cls === 0) agreed.push(a[c.i]!);
  }
  const worst = Math.max(...classes);
  // A one-word name inside a longer one ("Wright" in "Nicholas James Wright") is a shared surname, which every member
  // of a household has: it pairs, but says little more than that.
  if (Math.min(a.length, b.length) === 1 && a.length !== b.length) {
    return { level: worst < 4 ? 'single' : 'different', agreed };
  }
  if (worst === 0) return { level: a.length === b.length ? 'exact' : 'subset', agreed };
  if (worst === 1) return { level: 'jw92', agreed };
  if (worst === 2) return { level: 'jw80', agreed };
  if (worst === 3) return { level: 'alias', agreed };
  return { level: classes.some((c) => c < 4) ? 'partial' : 'different', agreed };
}

const order: readonly LevelId<'name'>[] = [
  'exact',
  'subset',
  'jw92',
  'jw80',
  'alias',
  'single',
  'partial',
  'different',
];

/**
 * The best pairing between any name of one record and any of the other (aliases count as the entity's names), or
 * null when either has no name with a token.
 */
export function compareNameLists(a: readonly string[][], b: readonly string[][]): NamePairing | null {
  let best: NamePairing | null = null;
  for (const x of a) {
    if (x.length === 0) continue;
    for (const y of b) {
      if (y.length === 0) continue;
      const p = compareNameParts(x, y);
      if (!best || order.indexOf(p.level) < order.indexOf(best.level)) best = p;
    }
  }
  return best;
}
