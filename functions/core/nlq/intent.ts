/**
 * What a question asks, independent of its wording. The grammar (or the model tier) produces an intent; the intent's
 * signature keys the plan cache, so paraphrases with the same intent share a plan; its slots are the plan's
 * parameter values and never part of the plan or the key.
 */
import type { EntityKind, Licence, RelType } from '../graph/types.js';
import type { Direction } from './vocabulary.js';

/** The hop bound an NLQ plan may use (the same bound the repository reads use). */
export type Hops = 1 | 2 | 3;
export const maxNlqHops = 3;

/** Filters on the entities a `find` or `count` selects. Dates are ISO `YYYY-MM-DD` (UTC day starts). */
export interface Filters {
  name?: string;
  identifier?: string;
  source?: string;
  licence?: Licence;
  createdAfter?: string;
  createdBefore?: string;
}

export type Intent =
  | { op: 'find' | 'count'; kind: EntityKind | null; filters: Filters }
  | {
      op: 'neighbors' | 'countNeighbors';
      anchor: string;
      rel: RelType | null;
      direction: Direction;
      kind: EntityKind | null;
      hops: Hops;
    }
  | { op: 'viaKind'; anchor: string; through: EntityKind; kind: EntityKind | null }
  | { op: 'viaNamed'; anchor: string; through: string; kind: EntityKind | null }
  | { op: 'path'; from: string; to: string; hops: Hops };

/** Which filters are present: part of the signature (their values are slots). */
const filterKeys = ['name', 'identifier', 'source', 'licence', 'createdAfter', 'createdBefore'] as const;

/**
 * The plan-cache signature of an intent: its shape (operation, direction, hop bound) — never a name, date, kind or
 * any other slot value, which all become parameters. `who does Anna know` and `list the people Bo knows` share one.
 * @example signature({ op: 'neighbors', anchor: 'anna', rel: 'KNOWS', direction: 'any', kind: null, hops: 1 })
 *   // 'neighbors:any:1'
 */
export function signature(intent: Intent): string {
  switch (intent.op) {
    case 'find':
    case 'count':
      return `${intent.op}`;
    case 'neighbors':
    case 'countNeighbors':
      return `${intent.op}:${intent.direction}:${intent.hops}`;
    case 'path':
      return `path:${intent.hops}`;
    default:
      return intent.op;
  }
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/**
 * The slot values of an intent as Cypher parameters (lowercased names; absent filters are null so one template
 * serves every combination of filters).
 */
export function slots(intent: Intent): Record<string, unknown> {
  switch (intent.op) {
    case 'find':
    case 'count': {
      const f = intent.filters;
      const out: Record<string, unknown> = { kind: intent.kind };
      for (const key of filterKeys) out[key] = null;
      if (f.name !== undefined) out.name = f.name.toLowerCase();
      if (f.identifier !== undefined) out.identifier = f.identifier;
      // sources are stored as JSON text; the slot is the exact `"system":"…"` member, so `osint` never matches `osint2`.
      if (f.source !== undefined) out.source = `"system":${JSON.stringify(f.source)}`;
      if (f.licence !== undefined) out.licence = f.licence;
      if (f.createdAfter !== undefined) out.createdAfter = day(f.createdAfter);
      if (f.createdBefore !== undefined) out.createdBefore = day(f.createdBefore);
      return out;
    }
    case 'neighbors':
    case 'countNeighbors':
      return { anchor: intent.anchor.toLowerCase(), relType: intent.rel, kind: intent.kind };
    case 'viaKind':
      return { anchor: intent.anchor.toLowerCase(), through: intent.through, kind: intent.kind };
    case 'viaNamed':
      return { anchor: intent.anchor.toLowerCase(), through: intent.through.toLowerCase(), kind: intent.kind };
    case 'path':
      return { from: intent.from.toLowerCase(), to: intent.to.toLowerCase() };
  }
}
