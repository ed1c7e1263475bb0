/**
 * The words the offline NLQ grammar knows, derived from the graph's schema: every entity kind and relationship type
 * with the ways people say them. A word not listed here is not understood (the grammar never guesses a kind).
 */
import { type EntityKind, entityKinds, type Licence, licences, type RelType } from '../graph/types.js';

/** Plural and singular nouns per entity kind (lowercase; longest first wins when matching). */
export const kindWords: Readonly<Record<EntityKind, readonly string[]>> = {
  PERSON: ['people', 'persons', 'person', 'individuals', 'individual', 'humans', 'human'],
  ORGANISATION: [
    'organisations',
    'organizations',
    'organisation',
    'organization',
    'companies',
    'company',
    'firms',
    'firm',
    'businesses',
    'business',
    'orgs',
    'org',
  ],
  LOCATION: ['locations', 'location', 'places', 'place', 'sites', 'site'],
  EVENT: ['events', 'event', 'meetings', 'meeting'],
  DOCUMENT: ['documents', 'document', 'docs', 'doc', 'reports', 'report', 'files', 'file'],
  ACCOUNT: ['bank accounts', 'bank account', 'accounts', 'account'],
  VEHICLE: ['vehicles', 'vehicle', 'cars', 'car'],
};

/** Words for "any entity". */
export const anyEntityWords = ['entities', 'entity', 'things', 'nodes', 'records', 'anything', 'anyone', 'everything'];

/** How a relationship is read from the anchor's side: `out` = anchor is the start node, `any` = either way. */
export type Direction = 'out' | 'in' | 'any';

/** Relationship types whose meaning is symmetric in questions ("who does X know" ≈ "who knows X"). */
export const symmetricRels: ReadonlySet<RelType> = new Set<RelType>(['KNOWS', 'TRANSACTED_WITH', 'RELATED_TO']);

/** Licence words: `public`, `partner shareable`, `internal only`, `no export`. */
export const licenceWords: Readonly<Record<string, Licence>> = Object.fromEntries(
  licences.flatMap((l) => {
    const spaced = l.toLowerCase().replace(/_/g, ' ');
    return [
      [spaced, l],
      [spaced.replace(/ /g, '-'), l],
      [spaced.replace(/ /g, ''), l],
    ];
  }),
);

/** Source systems are free text in the data; a source slot accepts one lowercase word of these letters. */
export const sourceWord = /^[a-z][a-z0-9-]{0,39}$/;

/** A kind from a noun (case-insensitive), or undefined. */
export function kindOf(word: string): EntityKind | undefined {
  const w = word.toLowerCase().trim();
  return entityKinds.find((k) => kindWords[k].includes(w));
}

/** Every kind noun, longest first (regex alternation order). */
export const allKindNouns: readonly string[] = entityKinds
  .flatMap((k) => kindWords[k])
  .sort((a, b) => b.length - a.length);
