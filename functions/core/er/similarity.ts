/**
 * String similarity for names, small enough to read: Jaro-Winkler on tokens and a symmetric best-match average over
 * token sets, so word order ("Smith John") does not matter and a missing middle name costs a little, not everything.
 */
import { nameTokens } from '../graph/name-tokens.js';

/** Jaro similarity in [0, 1]. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = true;
        bMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  return (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
}

/**
 * Jaro-Winkler similarity in [0, 1]: Jaro boosted by a common prefix of up to 4 characters (scaling 0.1), which suits
 * names, where typos tend to be late in the word.
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return j + prefix * prefixScale * (1 - j);
}

function bestMatchAverage(from: readonly string[], to: readonly string[]): number {
  let sum = 0;
  for (const t of from) {
    let best = 0;
    for (const u of to) best = Math.max(best, jaroWinkler(t, u));
    sum += best;
  }
  return sum / from.length;
}

/**
 * Similarity of two names in [0, 1]: tokens as the graph normalises them, each token matched to its best Jaro-Winkler
 * partner in the other name, averaged both ways (symmetric).
 *
 * @example
 * nameSimilarity('John Smith', 'SMITH, John') // 1
 */
export function nameSimilarity(a: string, b: string): number {
  const ta = nameTokens([a]);
  const tb = nameTokens([b]);
  if (ta.length === 0 || tb.length === 0) return 0;
  return (bestMatchAverage(ta, tb) + bestMatchAverage(tb, ta)) / 2;
}

/** The best similarity between any name of one list and any of the other (aliases count as the entity's names). */
export function bestNameSimilarity(
  a: readonly string[],
  b: readonly string[],
): { value: number; pair: [string, string] | null } {
  let best = { value: 0, pair: null as [string, string] | null };
  for (const x of a) {
    for (const y of b) {
      const v = nameSimilarity(x, y);
      if (v > best.value) best = { value: v, pair: [x, y] };
    }
  }
  return best;
}
