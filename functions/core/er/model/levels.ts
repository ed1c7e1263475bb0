/**
 * The comparison levels of the Fellegi–Sunter model, as data: each kind of comparison has an ordered list of levels,
 * best agreement first, with a sentence a reviewer can read in the waterfall. A comparison function returns one of
 * these ids; the model holds m and u per id. `missing` is shared by every kind and always has Bayes factor 1.
 */
import { InvalidModelError } from '../errors.js';

/** What a comparison compares; a comparison id is the kind, or `kind:qualifier` (identifier scheme, date type). */
export const comparisonKinds = ['name', 'identifier', 'date', 'address'] as const;
export type ComparisonKind = (typeof comparisonKinds)[number];

/** One level of a comparison. */
export interface LevelInfo {
  id: string;
  description: string;
}

/** The level used when either side has nothing to compare: it says nothing, so it moves no weight either way. */
export const missingLevel: LevelInfo = {
  id: 'missing',
  description: 'one side has nothing to compare (Bayes factor 1)',
};

/** Levels per kind, best first (the first that applies is the pair's level). `missing` is not listed: it has no m/u. */
export const levelSets = {
  name: [
    { id: 'exact', description: 'the same name parts, in any order' },
    { id: 'subset', description: 'every part of the shorter name is in the longer one (a part is missing)' },
    { id: 'jw92', description: 'every part pairs with one at Jaro–Winkler ≥ 0.92' },
    { id: 'jw80', description: 'every part pairs with one at Jaro–Winkler ≥ 0.80' },
    { id: 'alias', description: 'parts pair as nickname or initial (the rest at Jaro–Winkler ≥ 0.80)' },
    {
      id: 'single',
      description: 'a one-word name pairs with a part of a longer one (a shared surname, or all it gives)',
    },
    { id: 'partial', description: 'some parts pair, at least one clearly differs' },
    { id: 'different', description: 'no part pairs with any other' },
  ],
  identifier: [
    { id: 'exact', description: 'the same value under the same scheme' },
    { id: 'edit1', description: 'one character differs, is missing, or two neighbours are swapped' },
    { id: 'edit2', description: 'two such edits' },
    { id: 'different', description: 'the same scheme with a different value' },
  ],
  date: [
    { id: 'exact', description: 'the same date' },
    { id: 'swap', description: 'day and month swapped' },
    { id: 'digit', description: 'one digit differs' },
    { id: 'year', description: 'the same year; the rest differs or one side does not know it' },
    { id: 'different', description: 'a different year, by more than one digit' },
  ],
  address: [
    { id: 'exact', description: 'the same postcode and street line' },
    { id: 'postcode', description: 'the same postcode' },
    { id: 'near', description: 'the same locality and a street line at Jaro–Winkler ≥ 0.90' },
    { id: 'different', description: 'a different postcode or locality' },
  ],
} as const satisfies Record<ComparisonKind, readonly LevelInfo[]>;

/** A level id of one kind (without `missing`). */
export type LevelId<K extends ComparisonKind = ComparisonKind> = (typeof levelSets)[K][number]['id'];

/** The kind of a comparison id: `identifier:nid` → `identifier`. */
export function kindOf(comparison: string): ComparisonKind {
  const kind = comparison.split(':', 1)[0] as ComparisonKind;
  if (!comparisonKinds.includes(kind))
    throw new InvalidModelError(`unknown comparison kind in "${comparison}"`, { comparison });
  return kind;
}

/** The description of a level of a comparison, for explanations. */
export function describeLevel(comparison: string, level: string): string {
  if (level === missingLevel.id) return missingLevel.description;
  const info = (levelSets[kindOf(comparison)] as readonly LevelInfo[]).find((l) => l.id === level);
  if (!info)
    throw new InvalidModelError(`unknown level "${level}" of comparison "${comparison}"`, { comparison, level });
  return info.description;
}
