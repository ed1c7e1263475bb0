/**
 * Name tokens: the one normalisation of names that the search index, the stored `nameTokens` property and entity
 * resolution's blocking keys share, so a query token always matches what a write stored.
 */

/** Letters that NFKD does not decompose but people type both ways. */
const foldMap: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th', ı: 'i' };

/** Normalised, de-duplicated lowercase tokens of some names: the blocking keys of ER and the safe search terms. */
export function nameTokens(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const folded = name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[ßæœøłđþı]/g, (c) => foldMap[c] ?? c);
    for (const token of folded.split(/[^\p{L}\p{N}]+/u)) if (token) out.add(token);
  }
  return [...out];
}
