/**
 * Pure property arithmetic of merge and unmerge, on JSON-safe (tagged) property maps. Kept apart from the
 * transaction code so the rules are easy to read and unit-test.
 */
import type { Props } from './model.js';
import { nameTokens } from './name-tokens.js';
import { type DataClass, type Licence, licences, type Source } from './types.js';

/**
 * How sensitive a data class is: the `sensitivity` order of policies/data.json (a unit test keeps the two equal). A
 * merged entity takes the more sensitive class of the two, so merging never lowers protection and the write policy,
 * which refuses a lowering outside reclassify, never refuses a merge for the class it produces.
 */
export const dataClassRank: Readonly<Record<DataClass, number>> = {
  ENTITY: 0,
  TELEMETRY: 1,
  CASE_NOTE: 2,
  FINANCIAL: 3,
  SESSION: 4,
  CONTRACT: 5,
  CONTACT: 6,
  PII: 7,
  CREDENTIAL: 8,
  IDENTITY_DOCUMENT: 9,
};

const union = (a: unknown, b: unknown): string[] => [
  ...new Set([...((a as string[] | undefined) ?? []), ...((b as string[] | undefined) ?? [])]),
];

function parse<T>(value: unknown, fallback: T): T {
  try {
    return typeof value === 'string' ? (JSON.parse(value) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** The survivor's properties after absorbing `merged` (both tagged maps); `now` becomes its updatedAt. */
export function mergedSurvivorProps(survivor: Props, merged: Props, now: number): Props {
  const names = union(survivor.names, merged.names);
  const sources = [...parse<Source[]>(survivor.sources, []), ...parse<Source[]>(merged.sources, [])];
  const seen = new Set<string>();
  const uniqueSources = sources.filter((s) => {
    const key = `${s.system}\u0000${s.recordId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const sClass = survivor.dataClass as DataClass;
  const mClass = merged.dataClass as DataClass;
  const sLicence = survivor.licence as Licence;
  const mLicence = merged.licence as Licence;
  return {
    ...survivor,
    names,
    nameTokens: nameTokens(names),
    identifiers: union(survivor.identifiers, merged.identifiers),
    // Survivor wins on conflicting attribute keys: it is the record the reviewer chose to keep.
    attributes: JSON.stringify({ ...parse(merged.attributes, {}), ...parse(survivor.attributes, {}) }),
    sources: JSON.stringify(uniqueSources),
    dataClass: (dataClassRank[mClass] ?? 0) > (dataClassRank[sClass] ?? 0) ? mClass : sClass,
    // licences is ordered from least to most restrictive; the most restrictive wins when records mix.
    licence: licences.indexOf(mLicence) > licences.indexOf(sLicence) ? mLicence : sLicence,
    updatedAt: { int: String(now) },
  };
}

/**
 * The survivor's properties after an unmerge, by a three-way rule per key: a value still equal to what the merge
 * wrote goes back to its pre-merge value (or disappears); a value changed since the merge keeps the newer value.
 * When nothing touched the survivor after the merge this restores it exactly.
 */
export function restoredSurvivorProps(before: Props, after: Props, current: Props): Props {
  const out: Props = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(current)])) {
    const value = same(current[key], after[key]) ? before[key] : current[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
