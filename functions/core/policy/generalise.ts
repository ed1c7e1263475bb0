/**
 * Generalisation of quasi-identifier values along a ladder, and grouping of rows by their
 * generalised quasi-identifiers. Pure functions; the policy decides k and the ladders.
 */
import { canonicalJson } from '../json/canonical.js';
import type { LadderStep } from './decisions.js';

/** The value that replaces anything generalised away. */
export const MASK = '*';

/** A quasi-identifier with its ladder, as the kanon plan returns it. */
export interface QuasiIdentifier {
  field: string;
  ladder: LadderStep[];
}

/** Generalises one value by one ladder step. */
export function generaliseValue(value: unknown, step: LadderStep): unknown {
  if ('keep' in step) return value;
  if ('mask' in step || value === null || value === undefined) return MASK;
  if ('range' in step) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return MASK;
    const low = Math.floor(value / step.range) * step.range;
    return `${low}-${low + step.range - 1}`;
  }
  if ('prefix' in step) return `${String(value).replace(/\s+/g, '').slice(0, step.prefix)}${MASK}`;
  const date = /^(\d{4})-(\d{2})/.exec(String(value));
  if (!date) return MASK;
  const [, year, month] = date as unknown as [string, string, string];
  if (step.date === 'month') return `${year}-${month}`;
  if (step.date === 'year') return year;
  return `${year.slice(0, 3)}0s`;
}

/** The step a quasi-identifier takes at `level`; level 0 keeps raw values, past the ladder's end the last step holds. */
export function stepAt(qi: QuasiIdentifier, level: number): LadderStep | null {
  if (level === 0 || qi.ladder.length === 0) return null;
  return qi.ladder[Math.min(level, qi.ladder.length) - 1] ?? null;
}

/** The highest level any ladder reaches. */
export function maxLevel(qis: QuasiIdentifier[]): number {
  return Math.max(0, ...qis.map((q) => q.ladder.length));
}

/** Returns a copy of `row` with its quasi-identifiers generalised to `level`. */
export function generaliseRow(
  row: Record<string, unknown>,
  qis: QuasiIdentifier[],
  level: number,
): Record<string, unknown> {
  const out = { ...row };
  for (const qi of qis) {
    const step = stepAt(qi, level);
    const value = row[qi.field];
    out[qi.field] = step ? generaliseValue(value, step) : (value ?? MASK);
  }
  return out;
}

/** Rows grouped by their quasi-identifier values: group id → row indexes. Ids are opaque ("g0", "g1", …). */
export function groupRows(rows: Record<string, unknown>[], qis: QuasiIdentifier[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = canonicalJson(qis.map((q) => row[q.field] ?? null));
    const members = byKey.get(key);
    if (members) members.push(index);
    else byKey.set(key, [index]);
  });
  const groups = new Map<string, number[]>();
  let n = 0;
  for (const members of byKey.values()) groups.set(`g${n++}`, members);
  return groups;
}
