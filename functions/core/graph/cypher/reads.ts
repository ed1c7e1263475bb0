/**
 * Read templates of the graph repository. Every template is a constant string with parameters only (`$tenant`, `$id`,
 * …): nothing a client sends is ever concatenated into Cypher. Where a bound must be a literal (variable-length hops),
 * there is one static template per allowed value and callers pick it from a fixed map by a validated number.
 *
 * Tenancy: every node and every relationship a template touches is matched on `tenant = $tenant`, so a relationship
 * that someone wrongly created between tenants is never followed, and merged entities (`mergedInto` set) are skipped.
 *
 * Retention: every entity a template returns or walks through must be unexpired (`expiresAt` unset or after `$now`), so
 * data past its retention tier is invisible from the moment it expires, not from when the sweep gets to it.
 */
import { type RelType, relTypes } from '../types.js';
import { type CostHint, type ReadTemplate, read } from './template.js';

const KiB = 1024;

/** Every relationship type reads may follow: reads always filter `type(r) IN $relTypes`, so unknown types never leak. */
export const allRelTypes: readonly RelType[] = relTypes;

/** Names-over-everything full-text index (folding analyzer: `Müller` matches `muller`). */
export const namesIndex = 'entity_names';
/** The full-text index entity resolution blocks on (keyword analyzer: one exact term per list element and tenant). */
export const blockingIndex = 'entity_blocking_v3';

/** The live-and-unexpired predicate on one entity variable (a constant built from our own variable names). */
export const live = (v: string) => `${v}.mergedInto IS NULL AND (${v}.expiresAt IS NULL OR ${v}.expiresAt > $now)`;

/**
 * One static template per hop count (the hop bound must be a literal in Cypher), each costed at its own bound.
 */
function perHops(name: string, text: (hops: 1 | 2 | 3) => string, cost: CostHint): Record<1 | 2 | 3, ReadTemplate> {
  return {
    1: read(`${name}1`, text(1), { ...cost, maxHops: 1 }),
    2: read(`${name}2`, text(2), { ...cost, maxHops: 2 }),
    3: read(`${name}3`, text(3), { ...cost, maxHops: 3 }),
  };
}

export const getEntityCypher = read(
  'getEntity',
  `MATCH (e:Entity {tenant: $tenant, id: $id})
WHERE ${live('e')}
RETURN properties(e) AS entity`,
  { maxHops: 0, maxRows: 1, payloadCapBytes: 256 * KiB },
);

/**
 * Distinct entities within `hops` of the center. Pruning BFS expansion (the planner picks it for DISTINCT endpoints)
 * keeps 3-hop reads from enumerating every path; `$limitPlusOne` lets the caller see that more rows exist and fail.
 */
function neighborIdsText(hops: 1 | 2 | 3): string {
  return `MATCH (c:Entity {tenant: $tenant, id: $id})
WHERE ${live('c')}
OPTIONAL CALL (c) {
  MATCH p = (c)-[rs*1..${hops}]-(n:Entity)
  WHERE n <> c
    AND all(r IN rs WHERE r.tenant = $tenant AND type(r) IN $relTypes)
    AND all(x IN nodes(p) WHERE x.tenant = $tenant AND ${live('x')})
  RETURN DISTINCT n
  LIMIT $limitPlusOne
}
RETURN properties(c) AS center, collect(properties(n)) AS entities`;
}

/** Neighborhood members within 1, 2 or 3 hops. */
export const neighborsCypher: Readonly<Record<1 | 2 | 3, ReadTemplate>> = perHops('neighbors', neighborIdsText, {
  maxHops: 3,
  maxRows: 500,
  payloadCapBytes: 2048 * KiB,
});

/** Relationships among a neighborhood's members (center included), in the allowed types. */
export const neighborhoodRelsCypher = read(
  'neighborhoodRels',
  `MATCH (a:Entity {tenant: $tenant})-[r]->(b:Entity {tenant: $tenant})
WHERE a.id IN $ids AND b.id IN $ids AND r.tenant = $tenant AND type(r) IN $relTypes AND ${live('a')} AND ${live('b')}
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
LIMIT $limitPlusOne`,
  { maxHops: 1, maxRows: 2000, payloadCapBytes: 2048 * KiB },
);

/**
 * Full-text search over names in the caller's tenant. `$query` is a Lucene query built only from normalised letter/digit
 * tokens (see `luceneNameQuery`), so it cannot carry Lucene syntax either. The index yields hits by descending score,
 * so filtering by tenant and stopping at `$limit` keeps the best hits without sorting every match.
 */
export const searchCypher = read(
  'search',
  `CALL db.index.fulltext.queryNodes('${namesIndex}', $query) YIELD node, score
WHERE node:Entity AND node.tenant = $tenant AND ${live('node')} AND node.kind IN $kinds
RETURN properties(node) AS entity, score
LIMIT $limit`,
  { maxHops: 0, maxRows: 100, payloadCapBytes: 512 * KiB },
);

function pathText(maxHops: 1 | 2 | 3): string {
  return `MATCH (a:Entity {tenant: $tenant, id: $from})
WHERE ${live('a')}
MATCH (b:Entity {tenant: $tenant, id: $to})
WHERE ${live('b')}
MATCH p = SHORTEST 1 (a)(()-[r]-(x:Entity)
  WHERE r.tenant = $tenant AND type(r) IN $relTypes AND x.tenant = $tenant AND ${live('x')}){1,${maxHops}}(b)
RETURN [n IN nodes(p) | properties(n)] AS entities,
  [rel IN relationships(p) | {type: type(rel), from: startNode(rel).id, to: endNode(rel).id, props: properties(rel)}] AS rels`;
}

/** Shortest path (inline predicates are checked during the search, so every node and hop is in the tenant). */
export const pathCypher: Readonly<Record<1 | 2 | 3, ReadTemplate>> = perHops('path', pathText, {
  maxHops: 3,
  maxRows: 1,
  payloadCapBytes: 256 * KiB,
});

const exportCost: CostHint = { maxHops: 0, maxRows: 200, payloadCapBytes: 4096 * KiB };

/**
 * Live, unexpired entities of the caller's data classes that match `selection`, in id order; `$limitPlusOne` detects a
 * selection too large. Entities of other classes are left out here, so they are neither exported, named in a refusal,
 * nor counted against the limit.
 */
const exportText = (selection: string) => `MATCH (e:Entity {tenant: $tenant})
WHERE ${selection} AND e.dataClass IN $dataClasses AND ${live('e')}
RETURN properties(e) AS entity
ORDER BY e.id
LIMIT $limitPlusOne`;

/** Entities for an export by id (at most `maxExportRows` ids). */
export const exportByIdsCypher = read('exportByIds', exportText('e.id IN $ids'), exportCost);

/** Entities for an export by kind. */
export const exportByKindsCypher = read('exportByKinds', exportText('e.kind IN $kinds'), exportCost);
