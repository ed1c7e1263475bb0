/**
 * From a stored entity to what the export policy judges: the record's classes, collection purposes, licences (the
 * entity's and each source's — the policy takes the most restrictive), field classes for redaction, and the values.
 */
import { type ExportEntity, policyClass, policyLicence } from '../graph/types.js';
import type { ExportRecord } from '../policy/index.js';

/**
 * Attribute names whose data class differs from the entity's own. The entity's `dataClass` is what its writer
 * declared for the record; these well-known attributes carry their own class wherever they appear, so an `email` on
 * an ENTITY record is still redacted as contact data. Anything not listed takes the entity's class.
 */
export const attributeClasses: Readonly<Record<string, string>> = {
  email: 'contact',
  phone: 'contact',
  address: 'contact',
  postcode: 'contact',
  age: 'pii',
  birth_date: 'pii',
  date_of_birth: 'pii',
  gender: 'pii',
  nationality: 'pii',
  passport: 'identity-document',
  national_id: 'identity-document',
  ssn: 'identity-document',
  iban: 'financial',
  account_number: 'financial',
  card_number: 'financial',
  salary: 'financial',
  password: 'credential',
  api_key: 'credential',
};

/** Export kinds: `nlq` answers are k-anonymised and carry no direct identifiers. */
export type ExportKind = 'bulk' | 'nlq';

/** Fields that identify a person by themselves; an NLQ export never carries them (k-anonymity would be moot). */
export const directIdentifiers = ['id', 'names'] as const;

/**
 * The policy view of one entity for an export of `kind`. Attributes are flattened into the row (so quasi-identifiers
 * such as `age` are top-level fields); an attribute named like a built-in field (`id`, `kind`, `names`) is dropped
 * rather than allowed to overwrite it.
 * @example toExportRecord(entity, 'bulk').fields // { id: 'entity', kind: 'entity', names: 'pii', email: 'contact' }
 */
export function toExportRecord(entity: ExportEntity, kind: ExportKind): ExportRecord {
  const own = policyClass(entity.dataClass);
  const builtIn: Record<string, [unknown, string]> = {
    id: [entity.id, 'entity'],
    kind: [entity.kind, 'entity'],
    names: [entity.names, own],
  };
  const fields: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, [value, cls]] of Object.entries(builtIn)) {
    if (kind === 'nlq' && (directIdentifiers as readonly string[]).includes(name)) continue;
    fields[name] = cls;
    values[name] = value;
  }
  for (const [name, value] of Object.entries(entity.attributes)) {
    if (name in builtIn) continue;
    if (name === 'observed' && value && typeof value === 'object' && !Array.isArray(value)) {
      // Every value a merged entity has seen per attribute (graph/merge-props.ts): each attribute's history is its
      // own field with that attribute's class, so an `email` seen in a merged record is redacted like `email`. NLQ
      // answers carry none: k-anonymity generalises the quasi-identifiers, and a history would give them back exact.
      if (kind === 'nlq') continue;
      for (const [key, seen] of Object.entries(value)) {
        fields[`observed.${key}`] = attributeClasses[key] ?? own;
        values[`observed.${key}`] = seen;
      }
      continue;
    }
    fields[name] = attributeClasses[name] ?? own;
    values[name] = value;
  }
  const licences = [entity.licence, ...entity.sources.flatMap((s) => (s.licence ? [s.licence] : []))];
  return {
    id: entity.id,
    classes: [...new Set([own, ...Object.values(fields)])].sort(),
    purposes: entity.purposes,
    licences: [...new Set(licences.map(policyLicence))].sort(),
    fields,
    created_at_ms: Date.parse(entity.createdAt),
    legal_hold: entity.legalHold,
    values,
  };
}
