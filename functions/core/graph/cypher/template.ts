/**
 * The shape of every Cypher template in graphgate. A template is static text with parameters only, and says what kind
 * of statement it is; the kind decides what the tenant guard (functions/core/cypher/registry.test.ts) demands of it.
 */

/**
 * - `read`, `write`: touch tenant data, so they take `$tenant` (reads also must not write).
 * - `tenant-listing`: spans tenants and returns tenant ids only, never data (the retention sweep's work list).
 * - `ddl`: schema statements (constraints, indexes, waiting for them); they hold no data and no tenant.
 * - `probe`: touches no data at all (a liveness check).
 */
export type CypherKind = 'read' | 'write' | 'tenant-listing' | 'ddl' | 'probe';

/** What a template may cost: hop bound, row limit and serialized payload cap (the origin also exposes these). */
export interface CostHint {
  maxHops: number;
  maxRows: number;
  payloadCapBytes: number;
}

/** A named, parameterised Cypher statement of a declared kind. */
export interface CypherTemplate {
  readonly name: string;
  readonly kind: CypherKind;
  /** The statement. Not `text`: the driver would take an object with `text` as a query and drop the parameters. */
  readonly cypher: string;
}

/** A read the repository serves to clients, with its cost hint. */
export interface ReadTemplate extends CypherTemplate {
  readonly kind: 'read';
  readonly cost: CostHint;
}

/**
 * Declares a template of one kind; the name is the one the tenant guard and the snapshots report.
 * @example
 * export const getDecisionCypher = read('getDecision', 'MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId}) …');
 */
const declare =
  <K extends CypherKind>(kind: K) =>
  (name: string, cypher: string): CypherTemplate & { readonly kind: K } => ({ name, kind, cypher });

/** A read of tenant data; with a cost hint, one the repository serves to clients. */
export function read(name: string, cypher: string): CypherTemplate & { readonly kind: 'read' };
export function read(name: string, cypher: string, cost: CostHint): ReadTemplate;
export function read(name: string, cypher: string, cost?: CostHint): ReadTemplate | CypherTemplate {
  return cost ? { name, kind: 'read', cypher, cost } : { name, kind: 'read', cypher };
}
export const write = declare('write');
export const ddl = declare('ddl');
export const tenantListing = declare('tenant-listing');
export const probe = declare('probe');

/**
 * The prefix of statements that run for every intake event or merge. Their plans are seeks on unique keys (or one
 * full-text call), so they keep the plan they were given: replanning them each time the graph has grown past the
 * planner's divergence threshold only costs CPU (8–10% of Neo4j's while ER writes into a growing graph, measured with
 * JFR). The first plan is made on whatever the graph holds then, often a new deployment's empty graph, where Neo4j
 * 5.26 costs a seek on `Entity(tenant)` the same as one on the unique `Entity(tenant, id)` and may keep the former
 * (a filter over the whole tenant per call). So each MATCH on a unique key that another index could also serve names
 * its index (`USING INDEX SEEK`), and cypher/kept-plans.int.test.ts EXPLAINs every keepPlan template on an empty graph;
 * a keepPlan template without an expectation there fails the registry test. Only for statements anchored on a unique
 * key, an id or a full-text call: one whose plan depends on the statistics would keep a plan made for an empty graph.
 */
export const keepPlan = 'CYPHER replan=skip\n';

const kinds: ReadonlySet<string> = new Set<CypherKind>(['read', 'write', 'tenant-listing', 'ddl', 'probe']);

/** True for a {@link CypherTemplate} value. */
export function isCypherTemplate(value: unknown): value is CypherTemplate {
  const v = value as Partial<CypherTemplate> | null;
  return typeof v?.name === 'string' && typeof v.cypher === 'string' && typeof v.kind === 'string' && kinds.has(v.kind);
}

/**
 * Every template a module exports, also inside arrays and fixed maps (one template per relationship type or hop count).
 * @example
 * templatesIn(await import('./writes.js')).map((t) => t.name);
 */
export function templatesIn(module: Record<string, unknown>): CypherTemplate[] {
  const out: CypherTemplate[] = [];
  const walk = (value: unknown): void => {
    if (isCypherTemplate(value)) out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  Object.values(module).forEach(walk);
  return out;
}
