/**
 * The size a read's answer will have, counted from the values Neo4j returned instead of by serialising the mapped
 * answer: that serialisation was a whole second JSON encoding of every neighbourhood (the GraphQL server encodes it
 * again to respond), about 1 ms of the origin's CPU at 500 rows (issue 18, load/profile-graph-origin.ts).
 *
 * The count is an estimate of the JSON the answer becomes: every string's length plus its quotes, every map key,
 * separators, and a fixed {@link numberBytes} per number (an epoch-ms integer becomes a 24-character ISO date). JSON-text
 * properties (attributes, sources, relationship properties) are counted as the stored text, which is what they
 * serialise back to. Lengths are UTF-16 code units, which equal UTF-8 bytes for ASCII and undercount other text by at
 * most 3x; so an answer whose count comes within a factor of 3 of the cap is counted again in UTF-8 bytes.
 */
import neo4j from 'neo4j-driver';

/** What a number, neo4j Integer or boolean counts for. */
const numberBytes = 24;

type Length = (s: string) => number;
const utf16: Length = (s) => s.length;
const utf8: Length = (s) => Buffer.byteLength(s, 'utf8');

function size(value: unknown, length: Length): number {
  if (typeof value === 'string') return length(value) + 2;
  if (value === null || value === undefined) return 4;
  if (typeof value !== 'object' || neo4j.isInt(value)) return numberBytes;
  let n = 2;
  if (Array.isArray(value)) {
    for (const item of value) n += size(item, length) + 1;
    return n;
  }
  const map = value as Record<string, unknown>;
  for (const key in map) n += length(key) + 4 + size(map[key], length);
  return n;
}

/** Values by index, as a neo4j `Record` holds them (its `values()` is a generator, slower per row). */
export interface ValueRow {
  readonly length: number;
  get(index: number): unknown;
}

/** Estimated JSON bytes of `rows`' values, exact enough to decide whether they exceed `cap`. */
export function payloadBytes(rows: readonly ValueRow[], cap: number): number {
  const count = (length: Length) => {
    let n = 0;
    for (const row of rows) for (let i = 0; i < row.length; i++) n += size(row.get(i), length);
    return n;
  };
  const units = count(utf16);
  return units > cap || 3 * units <= cap ? units : count(utf8);
}
