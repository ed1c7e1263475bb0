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
 * What a neighbourhood returns of an entity (what `toNeighborEntity` maps): the fields the API serves, never tokens, ER
 * records, identifiers or other internal fields.
 */
const neighborFields = (v: string) =>
  `${v} {.id, .kind, .names, .attributes, .dataClass, .licence, .sources, .createdAt, .updatedAt}`;
/** The relationship properties a read returns (what `toRelationship` maps besides type and endpoints). */
const relFields = (v: string) => `${v} {.id, .properties, .confidence, .since, .createdAt}`;

/** Most relationships one neighbourhood may hold; one more is RESULT_TOO_LARGE. */
export const maxNeighborhoodRels = 2000;

/**
 * Members with more outgoing relationships than this are not expanded to find the relationships among members; their
 * relationships to members are probed from each member instead (Expand Into, which walks the lower-degree side).
 */
export const denseOutDegree = 1000;

/**
 * A whole neighbourhood in one statement: the distinct members within `hops` of the center (pruning BFS expansion,
 * which the planner picks for DISTINCT endpoints, keeps 3-hop reads from enumerating every path), then the
 * relationships among them (center included).
 *
 * The relationships among members are found from each member's OUTGOING side only, checked against the member list
 * (nodes, not ids: no property read per candidate): every relationship has one start node, so each is found once,
 * and the incoming side of a hub (thousands of relationships into it) is never read. A member whose out-degree is itself
 * above {@link denseOutDegree} is probed from the members' side instead (Expand Into per member). Degrees come from the
 * store's counts (GetDegree), not from walking.
 *
 * Rows stream one entity or relationship each (a single huge record decodes slowly in the driver): first the center
 * with `members` (how many members were found, up to `$limitPlusOne`), then members, then relationships, at most
 * `$relLimitPlusOne`. Over the member limit only the center row comes back, so the caller fails without the payload.
 */
function neighborhoodText(hops: 1 | 2 | 3): string {
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
WITH c, collect(n) AS found
WITH c, size(found) AS members, CASE WHEN size(found) < $limitPlusOne THEN found ELSE [] END AS ns
WITH c, members, ns, CASE WHEN members < $limitPlusOne THEN ns + c ELSE [] END AS ms
WITH c, members, ns, ms, [m IN ms WHERE COUNT { (m)-->() } > ${denseOutDegree}] AS outHubs
WITH c, members, ns, COLLECT {
  CALL (ms, outHubs) {
    UNWIND ms AS a
    WITH a WHERE NOT a IN outHubs
    MATCH (a)-[r]->(b)
    WHERE b IN ms AND r.tenant = $tenant AND type(r) IN $relTypes
    RETURN a, r, b
    UNION ALL
    UNWIND outHubs AS a
    UNWIND ms AS b
    MATCH (a)-[r]->(b)
    WHERE r.tenant = $tenant AND type(r) IN $relTypes
    RETURN a, r, b
  }
  RETURN {type: type(r), from: a.id, to: b.id, props: ${relFields('r')}} AS rel
  LIMIT $relLimitPlusOne
} AS rels
UNWIND [{entity: ${neighborFields('c')}, members: members}] + [n IN ns | {entity: ${neighborFields('n')}}] + [r IN rels | {rel: r}] AS row
RETURN row.entity AS entity, row.rel AS rel, row.members AS members`;
}

/** Neighbourhood (members and the relationships among them) within 1, 2 or 3 hops. */
export const neighborsCypher: Readonly<Record<1 | 2 | 3, ReadTemplate>> = perHops('neighbors', neighborhoodText, {
  maxHops: 3,
  maxRows: 500,
  payloadCapBytes: 2048 * KiB,
});

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
