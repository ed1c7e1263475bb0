/**
 * Cypher of entity resolution. Like every template in graphgate: static text, `$tenant` on every node, values only as
 * parameters.
 *
 *   (:ErDecision {tenant, eventId, band, score: match probability, entityId, candidateId, mergeId, reviewId,
 *                 repairMergeIds: [merge ids of entities joined because the record matched them all],
 *                 explanation: JSON string (the waterfall), modelVersion, decidedAt: epoch ms,
 *                 ledgerData?: canonical JSON of its er.band entry's data, ledgerTraceId?  — the ledger outbox
 *                 ledgerSeq?: audit ledger sequence once appended})
 *   (:ErLedgerCursor {tenant, seq})   — every er.band entry at or below seq is recorded on its decision (ledger-outbox.ts)
 *   (:ReviewCandidate {tenant, id, eventId, entityId, candidateId, score, explanation: JSON string,
 *                      status: 'OPEN' | 'ACCEPTED' | 'REJECTED', createdAt})
 *   (:AppliedEvent {tenant, eventId, appliedAt, token, recordHash?: sha256 of the record's canonical JSON, absent on
 *                   markers written before it was kept})   — the exactly-once marker (its constraint is the graph's)
 *   (:ErModel {tenant, kind, version, json, active, createdAt, summary})   — a tenant's models; one active per kind
 *   (:ErBlockLock {tenant, stripe, at})   — write-locked by an event's transaction on each of its blocking keys' stripes
 */
import { blockingIndex } from '../graph/cypher/reads.js';
import { type CypherTemplate, ddl, keepPlan, read, write } from '../graph/cypher/template.js';
import { notSameSourcesIndex } from './review/cypher.js';

/** Schema of the nodes above (idempotent; run next to the graph's `migrate`). */
export const erSchemaCypher: readonly CypherTemplate[] = [
  ddl(
    'er_decision_tenant_event',
    'CREATE CONSTRAINT er_decision_tenant_event IF NOT EXISTS FOR (d:ErDecision) REQUIRE (d.tenant, d.eventId) IS UNIQUE',
  ),
  ddl(
    'review_candidate_tenant_id',
    'CREATE CONSTRAINT review_candidate_tenant_id IF NOT EXISTS FOR (r:ReviewCandidate) REQUIRE (r.tenant, r.id) IS UNIQUE',
  ),
  ddl(
    'review_candidate_status',
    'CREATE INDEX review_candidate_status IF NOT EXISTS FOR (r:ReviewCandidate) ON (r.tenant, r.status)',
  ),
  ddl(
    'er_model_tenant_version',
    'CREATE CONSTRAINT er_model_tenant_version IF NOT EXISTS FOR (m:ErModel) REQUIRE (m.tenant, m.version) IS UNIQUE',
  ),
  ddl(
    'er_block_lock_tenant_stripe',
    'CREATE CONSTRAINT er_block_lock_tenant_stripe IF NOT EXISTS FOR (l:ErBlockLock) REQUIRE (l.tenant, l.stripe) IS UNIQUE',
  ),
  ddl(
    'er_ledger_cursor_tenant',
    'CREATE CONSTRAINT er_ledger_cursor_tenant IF NOT EXISTS FOR (c:ErLedgerCursor) REQUIRE c.tenant IS UNIQUE',
  ),
];

/**
 * A group's first statement per tenant, in one round trip and one plan (a statement per event each cost Neo4j about as
 * much CPU as the one write it made):
 * - Serialises events whose blocking keys overlap: a write lock on the stripe of every key (MERGE on the uniqueness
 *   constraint, then SET) before the group looks for candidates, so it waits for any transaction that may be writing
 *   an entity it would block on, and then sees it. `$stripes` sorted, so two transactions never wait on each other in
 *   opposite orders. Setting a property to the value it has takes the node's write lock and changes nothing (Neo4j's
 *   kernel locks first, then compares), so a lock costs the commit no write once its node exists.
 * - Then the exactly-once markers of `$events` (`{eventId, recordHash, token}`): MERGE on the (tenant, eventId)
 *   uniqueness constraint takes the index lock, so of two concurrent transactions only the one that created the node
 *   sees its own `token`. `fresh` is true for the row that created the marker, false for an event applied before, or
 *   earlier in the same list; `conflict` is true when that marker holds another record's hash (null, not true, for a
 *   marker written before markers kept one).
 */
export const lockAndMarkEventsCypher = write(
  'lockAndMarkEvents',
  `${keepPlan}CALL {
  UNWIND $stripes AS stripe
  MERGE (l:ErBlockLock {tenant: $tenant, stripe: stripe})
  ON CREATE SET l.at = $now
  SET l.at = l.at
}
UNWIND $events AS ev
MERGE (a:AppliedEvent {tenant: $tenant, eventId: ev.eventId})
ON CREATE SET a.appliedAt = $now, a.token = ev.token, a.recordHash = ev.recordHash
RETURN ev.token AS token, a.token = ev.token AS fresh, a.recordHash <> ev.recordHash AS conflict`,
);

/**
 * Blocking candidates from the keyword full-text index over nameTokens, identifiers and blockKeys, for each of
 * `$queries` (`{i, query, rejected}`, one per event of a group, all of `$tenant`) in one statement: best first, at most
 * `$limit` per query, without the query's `rejected` (the entities a reviewer already said are not the same as the
 * incoming record's source: {@link rejectedForSourcesCypher}): they are never merged with or proposed again. One row
 * per query that found any, `candidates` in the index's order. Only what scoring reads (score.ts Candidate), not the
 * entity's stored ER record, blocking keys or tokens. One statement for a group's events rather than one per event:
 * a statement's own cost (parse-cache lookup, execution set-up, its result stream) was about a quarter of a query's.
 */
export const blockingCandidatesCypher = read(
  'blockingCandidates',
  `${keepPlan}UNWIND $queries AS q
CALL (q) {
  CALL db.index.fulltext.queryNodes('${blockingIndex}', q.query) YIELD node, score
  WHERE node:Entity AND node.tenant = $tenant AND node.mergedInto IS NULL
    AND (node.expiresAt IS NULL OR node.expiresAt > $now)
    AND NOT node.id IN q.rejected
  RETURN node {.id, .kind, .names, .identifiers, .attributes, .sources} AS entity, score
  LIMIT $limit
}
RETURN q.i AS i, collect({entity: entity, score: score}) AS candidates`,
);

/**
 * {@link blockingCandidatesCypher}'s candidates by id, as the transaction sees them: the entities an event group
 * created or changed itself, which a read outside the group's transaction cannot see. The hint and `NOT id IN
 * $rejected` (on the unwound id, not on `node.id`) are what make Neo4j 5.26 seek both keys: with `node.id` in two
 * predicates it planned a seek on the tenant alone (`id IS NOT NULL`) and filtered every entity of the tenant for
 * each id, on an empty graph as on a full one (cypher/kept-plans.int.test.ts).
 */
export const liveCandidatesByIdCypher = read(
  'liveCandidatesById',
  `${keepPlan}UNWIND $ids AS id
MATCH (node:Entity {tenant: $tenant, id: id})
USING INDEX SEEK node:Entity(tenant, id)
WHERE NOT id IN $rejected AND node.mergedInto IS NULL AND (node.expiresAt IS NULL OR node.expiresAt > $now)
RETURN node {.id, .kind, .names, .identifiers, .attributes, .sources} AS entity`,
);

/**
 * The not-same pairs (review/cypher.ts ErNotSame) that name any of `$sources` (source keys `system/recordId`) on
 * either side, found by the sources' full-text index ({@link notSameSourcesIndex}): one index lookup per group of
 * events, where a check per candidate cost two index seeks for each of up to 50 candidates of every event.
 */
export const rejectedForSourcesCypher = read(
  'rejectedForSources',
  `${keepPlan}CALL db.index.fulltext.queryNodes('${notSameSourcesIndex}', $query) YIELD node
WHERE node:ErNotSame AND node.tenant = $tenant
RETURN node.a AS a, node.b AS b, node.aSources AS aSources, node.bSources AS bSources`,
);

/**
 * A ledger claim that never runs out: a consumer of a release before the outbox (which claimed a decision's ledger
 * append by `ledgerClaimUntil < now`) leaves a decision that keeps its entry in the outbox to the outbox, during a
 * canary or a rollback, instead of appending a second entry for it.
 */
const neverMs = Number.MAX_SAFE_INTEGER;

/**
 * The decisions of one tenant's events in a group, written after their effects: `$rows` of `{eventId, band, score,
 * entityId, candidateId, mergeId, reviewId, repairMergeIds, explanation: JSON, modelVersion, ledgerData: JSON,
 * ledgerTraceId}`. Each holds its er.band entry until the ledger has it (the outbox; see ledger-outbox.ts).
 */
export const createDecisionsCypher = write(
  'createDecisions',
  `${keepPlan}UNWIND $rows AS row
CREATE (d:ErDecision {tenant: $tenant, eventId: row.eventId, band: row.band, score: row.score,
  entityId: row.entityId, candidateId: row.candidateId, mergeId: row.mergeId, reviewId: row.reviewId,
  repairMergeIds: row.repairMergeIds, explanation: row.explanation, modelVersion: row.modelVersion, decidedAt: $now,
  ledgerData: row.ledgerData, ledgerTraceId: row.ledgerTraceId, ledgerClaimUntil: ${neverMs}})`,
);

/**
 * One page of the tenant's entities (live and merged) with what re-clustering and training compare: ER's stored
 * record when it wrote one, else the entity's own values. Ordered by id; pass the last id seen as `$after`.
 */
export const tenantRecordsPageCypher = read(
  'tenantErRecordsPage',
  `MATCH (e:Entity {tenant: $tenant})
WHERE e.id > $after AND e.tombstonedAt IS NULL AND (e.expiresAt IS NULL OR e.expiresAt > $now)
RETURN e.id AS id, e.kind AS kind, e.erRecord AS erRecord, e.names AS names, e.identifiers AS identifiers,
  e.attributes AS attributes, e.mergedInto AS mergedInto
ORDER BY e.id
LIMIT $limit`,
);

/**
 * The merges of a tenant still in force (their merged entity still points at the survivor), with who made them,
 * newest first (the order a re-cluster undoes them in: a later merge may rest on an earlier one).
 */
export const activeMergesCypher = read(
  'activeErMerges',
  `MATCH (m:MergeRecord {tenant: $tenant})
WHERE m.undoneAt IS NULL
MATCH (e:Entity {tenant: $tenant, id: m.mergedId})
WHERE e.mergedInto = m.survivorId
RETURN m.id AS mergeId, m.survivorId AS survivorId, m.mergedId AS mergedId, m.actor AS actor
ORDER BY m.createdAt DESC, m.id`,
);

/** The tenant's open review candidates. */
export const openReviewsCypher = read(
  'openErReviews',
  `MATCH (r:ReviewCandidate {tenant: $tenant, status: 'OPEN'})
RETURN r.id AS id, r.entityId AS entityId, r.candidateId AS candidateId`,
);

/** Closes a review candidate a re-cluster decided (merged at HIGH, or no longer a likely match). */
export const closeReviewCypher = write(
  'closeErReview',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id, status: 'OPEN'})
SET r.status = $status, r.closedAt = $now, r.closedBy = $actor, r.closedModelVersion = $modelVersion`,
);

/** A review candidate a re-cluster found (one per pair and model version; MERGE so a rerun adds none). */
export const upsertReclusterReviewCypher = write(
  'upsertReclusterReview',
  `MERGE (r:ReviewCandidate {tenant: $tenant, id: $id})
ON CREATE SET r.eventId = null, r.entityId = $entityId, r.candidateId = $candidateId, r.score = $score,
  r.explanation = $explanation, r.modelVersion = $modelVersion, r.status = 'OPEN', r.createdAt = $now`,
);

/** The tenant's active match model (JSON) for records of a kind, if one was stored. */
export const activeModelCypher = read(
  'activeErModel',
  `MATCH (m:ErModel {tenant: $tenant, kind: $kind})
WHERE m.active
RETURN m.json AS json, m.version AS version
ORDER BY m.createdAt DESC
LIMIT 1`,
);

/** Retires the tenant's active models of a kind (before {@link saveModelCypher} activates another). */
export const retireModelsCypher = write(
  'retireErModels',
  `MATCH (m:ErModel {tenant: $tenant, kind: $kind})
WHERE m.active AND m.version <> $version
SET m.active = false, m.retiredAt = $now`,
);

/** Stores a model (a version is stored once; storing it again only (re)activates it when asked). */
export const saveModelCypher = write(
  'saveErModel',
  `MERGE (m:ErModel {tenant: $tenant, version: $version})
ON CREATE SET m.kind = $kind, m.json = $json, m.createdAt = $now, m.summary = $summary, m.active = false
SET m.active = m.active OR $activate
RETURN m.version AS version, m.active AS active`,
);

/** Activates a stored model by version (after {@link retireModelsCypher}); no row when the version is not stored. */
export const activateModelCypher = write(
  'activateErModel',
  `MATCH (m:ErModel {tenant: $tenant, version: $version})
SET m.active = true
RETURN m.version AS version, m.kind AS kind`,
);

/** The tenant's stored models, newest first. */
export const listModelsCypher = read(
  'listErModels',
  `MATCH (m:ErModel {tenant: $tenant})
RETURN m.version AS version, m.kind AS kind, m.active AS active, m.createdAt AS createdAt, m.summary AS summary
ORDER BY m.createdAt DESC`,
);

export const getDecisionCypher = read(
  'getDecision',
  `${keepPlan}MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId})
RETURN properties(d) AS decision`,
);

/** Records the seq of a decision's entry, unless it has one (the first entry of an event id is its entry). */
export const setDecisionLedgerSeqCypher = write(
  'setDecisionLedgerSeq',
  `MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId})
WHERE d.ledgerSeq IS NULL
SET d.ledgerSeq = $seq`,
);

/**
 * What a chainer read and wrote of one tenant's ledger, in one statement: the seq of every er.band entry it saw
 * (`$rows` of `{eventId, seq}`; a decision that has its seq keeps it), then the tenant's cursor moved up to `$seq`,
 * the last entry it read or wrote (never down: another chainer may have read further).
 */
export const recordLedgerChainCypher = write(
  'recordLedgerChain',
  `${keepPlan}CALL {
  UNWIND $rows AS row
  MATCH (d:ErDecision {tenant: $tenant, eventId: row.eventId})
  USING INDEX SEEK d:ErDecision(tenant, eventId)
  WHERE d.ledgerSeq IS NULL
  SET d.ledgerSeq = row.seq
}
MERGE (c:ErLedgerCursor {tenant: $tenant})
SET c.seq = CASE WHEN c.seq IS NULL OR c.seq < $seq THEN $seq ELSE c.seq END`,
);

/**
 * The tenant's ledger cursor and which of `$eventIds` already have the seq of their er.band entry recorded, read
 * together (one snapshot, one server): `cursor` null before the tenant's first chaining, `recorded` of `{eventId, seq}`.
 */
export const ledgerStateCypher = read(
  'ledgerState',
  `OPTIONAL MATCH (c:ErLedgerCursor {tenant: $tenant})
CALL {
  UNWIND $eventIds AS eventId
  MATCH (d:ErDecision {tenant: $tenant, eventId: eventId})
  WHERE d.ledgerSeq IS NOT NULL
  RETURN collect({eventId: d.eventId, seq: d.ledgerSeq}) AS recorded
}
RETURN c.seq AS cursor, recorded`,
);

/**
 * Creates the tenant's cursor at `$seq`, the ledger's head read just before, unless it exists; returns the cursor.
 * The first chainer's head is below every entry a chainer appends (they all append only after reading a cursor).
 */
export const createLedgerCursorCypher = write(
  'createLedgerCursor',
  `MERGE (c:ErLedgerCursor {tenant: $tenant})
ON CREATE SET c.seq = $seq
RETURN c.seq AS seq`,
);

export const createReviewCandidateCypher = write(
  'createReviewCandidate',
  `${keepPlan}CREATE (r:ReviewCandidate {tenant: $tenant, id: $id, eventId: $eventId,
  entityId: $entityId, candidateId: $candidateId, score: $score, explanation: $explanation, status: 'OPEN',
  createdAt: $now})`,
);

/** Applied-event markers of a tenant (the fault drill counts effects with these). */
export const appliedEventCountCypher = read(
  'appliedEventCount',
  'MATCH (a:AppliedEvent {tenant: $tenant}) RETURN count(a) AS n',
);

/** Decisions of a tenant. */
export const decisionCountCypher = read('decisionCount', 'MATCH (d:ErDecision {tenant: $tenant}) RETURN count(d) AS n');

/** Decisions of a tenant per band. */
export const decisionBandsCypher = read(
  'decisionBands',
  'MATCH (d:ErDecision {tenant: $tenant}) RETURN d.band AS band, count(*) AS n',
);

/** Entities of a tenant that entity resolution created (their ids start with `er-`, see apply.ts). */
export const erEntityCountCypher = read(
  'erEntityCount',
  "MATCH (e:Entity {tenant: $tenant}) WHERE e.id STARTS WITH 'er-' RETURN count(e) AS n",
);

/**
 * Every decision of a tenant with where its record's entity ended: `mergedInto` is the survivor's id once a HIGH
 * decision merged it (the ER quality evaluation follows these links to each record's final entity).
 */
export const decisionOutcomesCypher = read(
  'decisionOutcomes',
  `MATCH (d:ErDecision {tenant: $tenant})
OPTIONAL MATCH (e:Entity {tenant: $tenant, id: d.entityId})
RETURN d.eventId AS eventId, d.band AS band, d.score AS score, d.decidedAt AS decidedAt, d.entityId AS entityId,
  d.candidateId AS candidateId, e.mergedInto AS mergedInto`,
);

/** Review candidates of a tenant (MID decisions waiting for a person): the record's entity and the one it may be. */
export const reviewCandidatesCypher = read(
  'reviewCandidates',
  `MATCH (r:ReviewCandidate {tenant: $tenant})
RETURN r.eventId AS eventId, r.entityId AS entityId, r.candidateId AS candidateId, r.score AS score,
  r.status AS status`,
);
