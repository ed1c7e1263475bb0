/**
 * From an intent to a plan: the Cypher text with parameter slots, its bounds, and where it came from. A plan holds no
 * slot values; {@link bindPlan} adds them (and the tenant, scope, clock and row limit) just before it runs.
 */
import type { CypherTemplate } from '../graph/cypher/template.js';
import { int } from '../graph/model.js';
import {
  nlqCountCypher,
  nlqCountNeighborsCypher,
  nlqFindCypher,
  nlqNeighborsCypher,
  nlqPathCypher,
  nlqViaKindCypher,
  nlqViaNamedCypher,
} from './cypher.js';
import { type Intent, signature, slots } from './intent.js';

/** Rows an NLQ answer may hold at most (the guard refuses plans whose LIMIT is larger). */
export const maxNlqRows = 100;

/** What an answer's rows are: entities, one count, or one path. */
export type PlanShape = 'entities' | 'count' | 'path';

/** A runnable plan with parameter slots (what the plan cache stores). */
export interface Plan {
  /** The intent signature the plan answers (the cache key's subject). */
  signature: string;
  /** `grammar` plans come from registered templates; `model` plans were written by a model and only guarded. */
  tier: 'grammar' | 'model';
  /** The registered template's name (grammar plans), so a cached plan is checked against the registry. */
  template?: string;
  cypher: string;
  /** Parameters the caller fills: the intent's slots; `tenant`, `dataClasses`, `now` and `limit` are always bound. */
  slotNames: string[];
  shape: PlanShape;
  maxHops: number;
}

/** Parameters bound for every plan, never taken from a question or a model. */
export const boundParams = ['tenant', 'dataClasses', 'now', 'limit'] as const;

function templateOf(intent: Intent): { t: CypherTemplate; shape: PlanShape; hops: number } {
  switch (intent.op) {
    case 'find':
      return { t: nlqFindCypher, shape: 'entities', hops: 0 };
    case 'count':
      return { t: nlqCountCypher, shape: 'count', hops: 0 };
    case 'neighbors':
      return { t: nlqNeighborsCypher[intent.direction][intent.hops], shape: 'entities', hops: intent.hops };
    case 'countNeighbors':
      return { t: nlqCountNeighborsCypher[intent.direction][intent.hops], shape: 'count', hops: intent.hops };
    case 'viaKind':
      return { t: nlqViaKindCypher, shape: 'entities', hops: 2 };
    case 'viaNamed':
      return { t: nlqViaNamedCypher, shape: 'entities', hops: 2 };
    case 'path':
      return { t: nlqPathCypher[intent.hops], shape: 'path', hops: intent.hops };
  }
}

/** The grammar plan of an intent. */
export function planFor(intent: Intent): Plan {
  const { t, shape, hops } = templateOf(intent);
  return {
    signature: signature(intent),
    tier: 'grammar',
    template: t.name,
    cypher: t.cypher,
    slotNames: Object.keys(slots(intent)).sort(),
    shape,
    maxHops: hops,
  };
}

/** What is bound into every plan besides its slots. */
export interface BindContext {
  tenant: string;
  /** Data classes (graph names, e.g. `PII`) the caller may see. */
  dataClasses: readonly string[];
  now: Date;
  limit: number;
}

/**
 * The parameters a plan runs with: its slot values (only the slots it declares) plus the bound ones. A slot value
 * can never override `tenant` or the scope: bound names are set last.
 */
export function bindPlan(plan: Plan, slotValues: Record<string, unknown>, ctx: BindContext): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of plan.slotNames) params[name] = slotValues[name] ?? null;
  params.tenant = ctx.tenant;
  params.dataClasses = [...ctx.dataClasses];
  params.now = int(ctx.now.getTime());
  params.limit = int(Math.min(ctx.limit, maxNlqRows));
  return params;
}
