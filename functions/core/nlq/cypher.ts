/**
 * The Cypher plans of the offline NLQ translator: one static, parameterised template per intent shape (operation,
 * direction, hop bound). Every slot of an intent is a parameter — kinds, relationship types, names, dates — and an
 * absent filter is a null parameter, so one template serves every combination and nothing a client wrote is ever
 * concatenated into Cypher. Every template still goes through the NLQ guard before it runs, like a model-made plan.
 *
 * Scope: every node is matched in `$tenant`, must be live and unexpired, and must be of a data class in
 * `$dataClasses` (the caller's scope); walks never pass through an entity the caller may not see.
 */
import { live } from '../graph/cypher/reads.js';
import { type CypherTemplate, read } from '../graph/cypher/template.js';
import type { Direction } from './vocabulary.js';

/** An entity the caller may see: in scope by class, live and unexpired. */
const seen = (v: string) => `${v}.dataClass IN $dataClasses AND ${live(v)}`;

/** Entity `v` bears the (lowercased) name in parameter `param`. */
const named = (v: string, param: string) => `any(nm IN ${v}.names WHERE toLower(nm) = $${param})`;

const selection = `MATCH (e:Entity {tenant: $tenant})
WHERE ($kind IS NULL OR e.kind = $kind)
  AND ($name IS NULL OR ${named('e', 'name')})
  AND ($identifier IS NULL OR $identifier IN e.identifiers)
  AND ($source IS NULL OR e.sources CONTAINS $source)
  AND ($licence IS NULL OR e.licence = $licence)
  AND ($createdAfter IS NULL OR e.createdAt >= $createdAfter)
  AND ($createdBefore IS NULL OR e.createdAt < $createdBefore)
  AND ${seen('e')}`;

/** Entities of a kind with optional filters, in id order. */
export const nlqFindCypher = read(
  'nlqFind',
  `${selection}
RETURN properties(e) AS entity
ORDER BY e.id
LIMIT $limit`,
);

/** How many entities of a kind match the filters. */
export const nlqCountCypher = read(
  'nlqCount',
  `${selection}
RETURN count(e) AS count
LIMIT 1`,
);

const anchor = `MATCH (a:Entity {tenant: $tenant})
WHERE ${named('a', 'anchor')} AND ${seen('a')}`;

const arrows: Record<Direction, [string, string]> = { out: ['-', '->'], in: ['<-', '-'], any: ['-', '-'] };

/** Entities within `hops` of any entity named `$anchor`, over visible entities and relationships of `$relType`. */
function walk(direction: Direction, hops: 1 | 2 | 3): string {
  const [l, r] = arrows[direction];
  return `${anchor}
MATCH p = (a)${l}[rs*1..${hops}]${r}(e:Entity {tenant: $tenant})
WHERE e <> a AND ($kind IS NULL OR e.kind = $kind)
  AND all(x IN rs WHERE x.tenant = $tenant AND ($relType IS NULL OR type(x) = $relType))
  AND all(n IN nodes(p) WHERE n.tenant = $tenant AND ${seen('n')})`;
}

type PerShape = Readonly<Record<Direction, Readonly<Record<1 | 2 | 3, CypherTemplate>>>>;

function perShape(name: string, tail: string): PerShape {
  const hops = (d: Direction) => ({
    1: read(`${name}_${d}1`, `${walk(d, 1)}\n${tail}`),
    2: read(`${name}_${d}2`, `${walk(d, 2)}\n${tail}`),
    3: read(`${name}_${d}3`, `${walk(d, 3)}\n${tail}`),
  });
  return { out: hops('out'), in: hops('in'), any: hops('any') };
}

/** Distinct neighbours of the anchor, per direction and hop bound. */
export const nlqNeighborsCypher = perShape(
  'nlqNeighbors',
  `WITH DISTINCT e
RETURN properties(e) AS entity
ORDER BY e.id
LIMIT $limit`,
);

/** How many distinct neighbours the anchor has, per direction and hop bound. */
export const nlqCountNeighborsCypher = perShape(
  'nlqCountNeighbors',
  `RETURN count(DISTINCT e) AS count
LIMIT 1`,
);

const via = (middle: string) => `${anchor}
MATCH (a)-[r1]-(m:Entity {tenant: $tenant})-[r2]-(e:Entity {tenant: $tenant})
WHERE r1.tenant = $tenant AND r2.tenant = $tenant AND e <> a AND ${middle}
  AND ($kind IS NULL OR e.kind = $kind) AND ${seen('m')} AND ${seen('e')}
WITH DISTINCT e
RETURN properties(e) AS entity
ORDER BY e.id
LIMIT $limit`;

/** Who is connected to the anchor through an entity of kind `$through`. */
export const nlqViaKindCypher = read('nlqViaKind', via('m.kind = $through'));

/** Who is connected to the anchor through an entity named `$through`. */
export const nlqViaNamedCypher = read('nlqViaNamed', via(named('m', 'through')));

function pathText(hops: 1 | 2 | 3): string {
  return `MATCH (a:Entity {tenant: $tenant})
WHERE ${named('a', 'from')} AND ${seen('a')}
MATCH (b:Entity {tenant: $tenant})
WHERE ${named('b', 'to')} AND ${seen('b')} AND a <> b
MATCH p = SHORTEST 1 (a)((s:Entity WHERE s.tenant = $tenant)-[r]-(x:Entity WHERE x.tenant = $tenant)
  WHERE r.tenant = $tenant AND ${seen('x')}){1,${hops}}(b)
RETURN length(p) AS hops, [n IN nodes(p) | properties(n)] AS entities
ORDER BY hops
LIMIT 1`;
}

/** The shortest path (at most `hops`) between an entity named `$from` and one named `$to`. */
export const nlqPathCypher: Readonly<Record<1 | 2 | 3, CypherTemplate>> = {
  1: read('nlqPath1', pathText(1)),
  2: read('nlqPath2', pathText(2)),
  3: read('nlqPath3', pathText(3)),
};
