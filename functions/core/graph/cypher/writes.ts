/**
 * Templates of entity and relationship writes, merges and unmerges, and the reads those writes make in their own
 * transaction. Relationship types cannot be parameters in CREATE, so each write that names a type has one static
 * template per member of the `relTypes` enum, built once at load from that constant list (never from input) and
 * selected by the validated enum value.
 */
import { type RelType, relTypes } from '../types.js';
import { type CypherTemplate, keepPlan, read, write } from './template.js';

/** Tagged property pairs of `n` (integers as `{int: '…'}`), so snapshots can restore INTEGER vs FLOAT exactly. */
const tagged = (v: string) =>
  `[k IN keys(${v}) | [k, CASE WHEN valueType(${v}[k]) STARTS WITH 'INTEGER' THEN {int: toString(${v}[k])} ELSE ${v}[k] END]]`;

function perType(name: string, build: (type: RelType) => string): Readonly<Record<RelType, CypherTemplate>> {
  const out = {} as Record<RelType, CypherTemplate>;
  for (const type of relTypes) {
    // The enum is ours, but a template must never hold anything but an identifier here.
    if (!/^[A-Z][A-Z_]*$/.test(type)) throw new Error(`relationship type ${type} is not a plain identifier`);
    out[type] = write(`${name}:${type}`, build(type));
  }
  return Object.freeze(out);
}

/**
 * What an upsert or reclassify must know before it writes: whether the entity exists, its data class (the write is
 * authorised on it), creation time, expiry, hold and whether it was merged or tombstoned. The expiry is computed from
 * these by the retention policy in TypeScript.
 */
export const entityLifecycleCypher = read(
  'entityLifecycle',
  `OPTIONAL MATCH (e:Entity {tenant: $tenant, id: $id})
RETURN e IS NOT NULL AS exists, e.dataClass AS dataClass, e.createdAt AS createdAt, e.expiresAt AS expiresAt,
  e.legalHold AS legalHold, e.tombstonedAt AS tombstonedAt, e.mergedInto IS NOT NULL AS merged`,
);

/**
 * Creates or updates entities, one per `$rows` row (`{id, now, fresh, createdAt, expiresAt, kind, names, nameTokens,
 * dataClass, licence, attributes, sources, identifiers, purposes, blockKeys, erRecord}`), each row's ids distinct;
 * returns no row for an entity that exists but was merged (caller reports CONFLICT). One statement for a group of
 * entity resolution's writes, one row for any other writer's. Fresh (new, expired or tombstoned): the record is
 * collected anew — creation time restarts and no expired attributes, sources, identifiers or purposes carry over.
 * When the caller read the lifecycle (entityLifecycleCypher) it passes `row.fresh` and the retention rule's
 * `row.createdAt` / `row.expiresAt`; with `row.fresh` null (no rule, no guard) the statement decides freshness itself
 * and an update keeps its creation time and expiry — one round trip. The written properties come back only when
 * `$returnEntity` is true (ER never reads them: unpacking them was worker CPU for nothing).
 */
export const upsertEntityCypher = write(
  'upsertEntity',
  `${keepPlan}UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {tenant: $tenant, id: row.id})
USING INDEX SEEK old:Entity(tenant, id)
WITH row, old
WHERE old IS NULL OR old.mergedInto IS NULL
WITH row, old, coalesce(row.fresh, old IS NULL OR old.tombstonedAt IS NOT NULL
  OR (old.expiresAt IS NOT NULL AND old.expiresAt <= row.now)) AS fresh
MERGE (e:Entity {tenant: $tenant, id: row.id})
FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END |
  SET e.attributes = '{}', e.sources = '[]', e.identifiers = [], e.purposes = [], e.legalHold = false,
    e.tombstonedAt = null, e.blockKeys = null, e.erRecord = null)
SET e.kind = row.kind, e.names = row.names, e.nameTokens = row.nameTokens, e.dataClass = row.dataClass,
  e.licence = row.licence,
  e.createdAt = CASE WHEN row.fresh IS NOT NULL THEN row.createdAt WHEN fresh THEN row.now
    ELSE coalesce(e.createdAt, row.now) END,
  e.expiresAt = CASE WHEN row.fresh IS NOT NULL THEN row.expiresAt WHEN fresh THEN null ELSE e.expiresAt END,
  e.updatedAt = row.now, e.legalHold = coalesce(e.legalHold, false),
  e.attributes = coalesce(row.attributes, e.attributes, '{}'),
  e.sources = coalesce(row.sources, e.sources, '[]'),
  e.identifiers = coalesce(row.identifiers, e.identifiers, []),
  e.purposes = coalesce(row.purposes, e.purposes, []),
  e.blockKeys = coalesce(row.blockKeys, e.blockKeys), e.erRecord = coalesce(row.erRecord, e.erRecord)
RETURN row.id AS id, CASE WHEN $returnEntity THEN properties(e) END AS entity`,
);

/** The live (existing, not merged) entities of the tenant among some ids, with their data class. */
export const liveClassesCypher = read(
  'liveClasses',
  `MATCH (e:Entity {tenant: $tenant})
WHERE e.id IN $ids AND e.mergedInto IS NULL
RETURN collect({id: e.id, dataClass: e.dataClass}) AS entities`,
);

/**
 * Sets the data class of a live entity and the expiry its new class's retention tier gives it; no row when the entity
 * is missing or merged.
 */
export const reclassifyEntityCypher = write(
  'reclassifyEntity',
  `MATCH (e:Entity {tenant: $tenant, id: $id})
WHERE e.mergedInto IS NULL
SET e.dataClass = $dataClass, e.updatedAt = $now, e.expiresAt = $expiresAt
RETURN properties(e) AS entity`,
);

/**
 * Creates one relationship between two live entities of the tenant; no row when either is missing or merged. By its
 * id: a journal replay of the same link (same `$relId`) finds it instead of adding a second.
 */
export const linkCypher = perType(
  'link',
  (type) => `MATCH (a:Entity {tenant: $tenant, id: $from})
WHERE a.mergedInto IS NULL
MATCH (b:Entity {tenant: $tenant, id: $to})
WHERE b.mergedInto IS NULL
MERGE (a)-[r:${type} {tenant: $tenant, id: $relId}]->(b)
ON CREATE SET r.properties = $properties, r.confidence = $confidence, r.since = $since, r.createdAt = $now
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props`,
);

/**
 * Recreates relationships from snapshot rows `{from, to, props}` with exact properties (merge moves, unmerge
 * restores). Endpoints may be merged entities: an unmerge restores edges to whatever the snapshot named.
 */
export const createRelsCypher = perType(
  'createRels',
  (type) => `UNWIND $rows AS row
MATCH (a:Entity {tenant: $tenant, id: row.from})
MATCH (b:Entity {tenant: $tenant, id: row.to})
CREATE (a)-[r:${type}]->(b)
SET r = row.props, r.tenant = $tenant
RETURN count(r) AS created`,
);

/**
 * Takes write locks on the given entities in id order before a merge/unmerge reads them, so two concurrent merges of
 * the same entity serialise instead of both seeing it unmerged. The SET/REMOVE pair leaves no trace.
 */
export const lockEntitiesCypher = write(
  'lockEntities',
  `MATCH (n:Entity {tenant: $tenant})
WHERE n.id IN $ids
WITH n ORDER BY n.id
SET n.__lock = true
REMOVE n.__lock
RETURN count(n) AS locked`,
);

/** Both entities of a merge as tagged property pairs (null when absent). */
export const mergeSubjectsCypher = read(
  'mergeSubjects',
  `${keepPlan}OPTIONAL MATCH (s:Entity {tenant: $tenant, id: $survivorId})
USING INDEX SEEK s:Entity(tenant, id)
OPTIONAL MATCH (m:Entity {tenant: $tenant, id: $mergedId})
USING INDEX SEEK m:Entity(tenant, id)
RETURN CASE WHEN s IS NULL THEN null ELSE ${tagged('s')} END AS survivor,
  CASE WHEN m IS NULL THEN null ELSE ${tagged('m')} END AS merged`,
);

/** Every in-tenant relationship of an entity, with its element id, type, endpoints and tagged properties. */
export const entityRelsCypher = read(
  'entityRels',
  `MATCH (m:Entity {tenant: $tenant, id: $id})-[r]-(o:Entity {tenant: $tenant})
WHERE r.tenant = $tenant AND type(r) IN $relTypes
RETURN DISTINCT elementId(r) AS eid, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, ${tagged('r')} AS props`,
);

/** Deletes relationships by element id (ids read earlier in the same transaction). */
export const deleteRelsCypher = write(
  'deleteRels',
  `${keepPlan}UNWIND $eids AS eid
MATCH ()-[r]->()
WHERE elementId(r) = eid AND r.tenant = $tenant
DELETE r
RETURN count(*) AS deleted`,
);

/** Replaces all properties of one entity (exact restore / merged survivor). */
export const setEntityPropsCypher = write(
  'setEntityProps',
  `${keepPlan}MATCH (e:Entity {tenant: $tenant, id: $id})
USING INDEX SEEK e:Entity(tenant, id)
SET e = $props, e.tenant = $tenant, e.id = $id
RETURN properties(e) AS entity`,
);

/** Hides the merged entity; its other properties stay untouched so the snapshot restores it exactly. */
export const markMergedCypher = write(
  'markMerged',
  `${keepPlan}MATCH (m:Entity {tenant: $tenant, id: $mergedId})
USING INDEX SEEK m:Entity(tenant, id)
SET m.mergedInto = $survivorId
RETURN properties(m) AS entity`,
);

export const createMergeRecordCypher = write(
  'createMergeRecord',
  `${keepPlan}CREATE (:MergeRecord {tenant: $tenant, id: $mergeId, survivorId: $survivorId,
  mergedId: $mergedId, reason: $reason, actor: $actor, snapshot: $snapshot, createdAt: $now})`,
);

/** A merge record, write-locked (SET/REMOVE) so two unmerges of the same merge serialise. */
export const lockMergeRecordCypher = write(
  'lockMergeRecord',
  `MATCH (mr:MergeRecord {tenant: $tenant, id: $mergeId})
SET mr.__lock = true
REMOVE mr.__lock
RETURN properties(mr) AS record`,
);

/** Relationships a merge recreated on the survivor, still there. */
export const movedCopiesCypher = read(
  'movedCopies',
  `MATCH (s:Entity {tenant: $tenant, id: $survivorId})-[r]-()
WHERE r.movedBy = $mergeId AND r.tenant = $tenant
RETURN DISTINCT elementId(r) AS eid`,
);

export const markUndoneCypher = write(
  'markUndone',
  `MATCH (mr:MergeRecord {tenant: $tenant, id: $mergeId})
SET mr.undoneAt = $now, mr.undoneBy = $actor`,
);
