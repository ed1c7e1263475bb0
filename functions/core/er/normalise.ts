/**
 * Normalisation: the one place that decides when two spellings are "the same" for blocking and scoring. Names go
 * through the graph's `nameTokens` (so blocking keys match what the index holds); identifiers are canonicalised so
 * `LEI: 5493 00ab` and `lei:549300AB` block together.
 */
import { nameTokens } from '../graph/name-tokens.js';
import type { SourceRecord } from './schemas.js';

/** A record reduced to what blocking and scoring compare. */
export interface NormalisedRecord {
  kind: SourceRecord['kind'];
  /** Display names, whitespace collapsed, duplicates (case-insensitive) removed, original order kept. */
  names: string[];
  /** Blocking tokens (graph `nameTokens`). */
  tokens: string[];
  /** `scheme:value`, scheme lowercase, value uppercase without spaces, dots or hyphens. */
  identifiers: string[];
  /** Date type → partial ISO date. The first date of a type wins. */
  dates: Record<string, string>;
}

/** `scheme:value` in canonical form. */
export function normaliseIdentifier(scheme: string, value: string): string {
  return `${scheme.trim().toLowerCase()}:${value.replace(/[\s.\-/]+/g, '').toUpperCase()}`;
}

/** Collapses whitespace and drops case-insensitive duplicates, keeping the first spelling. */
export function normaliseNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/\s+/g, ' ').trim();
    const key = name.toLowerCase();
    if (name && !seen.has(key)) {
      seen.add(key);
      out.push(name);
    }
  }
  return out;
}

/** The comparable form of a source record. */
export function normaliseRecord(record: SourceRecord): NormalisedRecord {
  const names = normaliseNames(record.names);
  const dates: Record<string, string> = {};
  for (const d of record.dates) dates[d.type] ??= d.value;
  return {
    kind: record.kind,
    names,
    tokens: nameTokens(names),
    identifiers: [...new Set(record.identifiers.map((i) => normaliseIdentifier(i.scheme, i.value)))],
    dates,
  };
}
