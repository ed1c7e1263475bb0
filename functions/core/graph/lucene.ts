/** Lucene query text for the full-text indexes, built from normalised tokens and quoted terms only. */

/** Lucene special characters; tokens never contain them, escaping is belt and braces. */
const luceneSpecial = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/** A Lucene query for names from normalised tokens: exact terms weigh most, then prefixes, then one-typo matches. */
export function luceneNameQuery(tokens: readonly string[]): string {
  return tokens
    .map((raw) => {
      const t = raw.replace(luceneSpecial, '\\$&');
      const parts = [`${t}^4`];
      if (raw.length >= 2) parts.push(`${t}*^2`);
      if (raw.length >= 4) parts.push(`${t}~1`);
      return `(${parts.join(' OR ')})`;
    })
    .join(' ');
}

/** Quotes one value as a Lucene phrase term (for identifiers such as `lei:5493…` in ER blocking queries). */
export function luceneTerm(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
