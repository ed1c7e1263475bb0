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

/** One value an attribute had in some of the records merged into an entity, and the sources that gave it. */
export interface Observation {
  value: unknown;
  /** `system/recordId` of each source that gave this value (at most {@link maxObservedSources}). */
  sources: string[];
}

/**
 * Every value each attribute has had across the records merged into an entity (`attributes.observed`): the survivor
 * shows one value per key, and this keeps the others with their provenance (all birth dates seen, not only the
 * first). Keys are the attribute keys; the typed dates of `attributes.dates` are kept per type as `dates.<type>`.
 */
export type Observed = Record<string, Observation[]>;

/** Bounds of `attributes.observed`, so an entity merged from many records stays a small node. */
export const maxObservedValues = 32;
export const maxObservedSources = 16;

/** A source's identity: `system/recordId`. */
export const sourceKey = (s: Pick<Source, 'system' | 'recordId'>) => `${s.system}/${s.recordId}`;

function isObserved(value: unknown): value is Observed {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (list) =>
      Array.isArray(list) &&
      list.every((o) => o && typeof o === 'object' && 'value' in o && Array.isArray((o as Observation).sources)),
  );
}

/** The observations of an entity: kept ones when it was merged before, else its own attributes under its sources. */
export function observedOf(props: Props): Observed {
  return observedOfValues(parse<Record<string, unknown>>(props.attributes, {}), parse<Source[]>(props.sources, []));
}

/** {@link observedOf} from values already parsed (an `Entity`'s attributes and sources). */
export function observedOfValues(
  attributes: Readonly<Record<string, unknown>>,
  entitySources: readonly Pick<Source, 'system' | 'recordId'>[],
): Observed {
  if (isObserved(attributes.observed)) return attributes.observed;
  const sources = entitySources.map(sourceKey).slice(0, maxObservedSources);
  const out: Observed = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'observed' || value === null || value === undefined) continue;
    if (key === 'dates' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [type, date] of Object.entries(value)) out[`dates.${type}`] = [{ value: date, sources }];
    } else {
      out[key] = [{ value, sources }];
    }
  }
  return out;
}

/** Both entities' observations united: one entry per distinct value, its sources joined, both bounded. */
export function unitedObserved(a: Observed, b: Observed): Observed {
  const out: Observed = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const byValue = new Map<string, Observation>();
    for (const o of [...(a[key] ?? []), ...(b[key] ?? [])]) {
      const id = JSON.stringify(o.value);
      const seen = byValue.get(id);
      if (seen) seen.sources = [...new Set([...seen.sources, ...o.sources])].slice(0, maxObservedSources);
      else if (byValue.size < maxObservedValues) byValue.set(id, { value: o.value, sources: [...o.sources] });
    }
    out[key] = [...byValue.values()];
  }
  return out;
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
    // Survivor wins on conflicting attribute keys (it is the record the reviewer chose to keep); every value of both
    // stays in `observed` with its sources.
    attributes: JSON.stringify({
      ...parse(merged.attributes, {}),
      ...parse(survivor.attributes, {}),
      observed: unitedObserved(observedOf(survivor), observedOf(merged)),
    }),
    // The blocking keys entity resolution writes (er/blocking.ts): the survivor blocks on both sides' keys.
    ...(survivor.blockKeys || merged.blockKeys ? { blockKeys: union(survivor.blockKeys, merged.blockKeys) } : {}),
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
