/**
 * Cypher of the review queue (adjudication of MID-band candidates). Static text, `$tenant` on every node, values only
 * as parameters; registered in functions/core/cypher/registry.ts like every other template.
 *
 *   (:ReviewCandidate {…er/cypher.ts…, assignee?, claimedAt?, decision?, decidedBy?, decidedAt?, mergeId?})
 *   (:ReviewDecision {tenant, id, reviewId, decision: 'ACCEPT'|'REJECT'|'DEFER', reason, reviewer, sessionId,
 *                     stepUpChallengeId, mergeId, at, audited, undoneAt?, undoneBy?, undoAudited?})
 *   (:ErNotSame {tenant, a, b (a < b: entity ids), reviewId, aSources, bSources: the sides' source keys `system/recordId`, createdAt})
 *     — a person said these two are not the same: ER never proposes or merges the pair again.
 */
import { ddl, read, tenantListing, write } from '../../graph/cypher/template.js';

/** Full-text (keyword) index of not-same pairs by the source keys of either side (er/cypher.ts rejectedForSources). */
export const notSameSourcesIndex = 'er_not_same_sources';

/** Schema of the nodes above (idempotent; run by migrateEr). */
export const reviewSchemaCypher = [
  ddl(
    'review_decision_tenant_id',
    'CREATE CONSTRAINT review_decision_tenant_id IF NOT EXISTS FOR (d:ReviewDecision) REQUIRE (d.tenant, d.id) IS UNIQUE',
  ),
  ddl(
    'review_decision_review',
    'CREATE INDEX review_decision_review IF NOT EXISTS FOR (d:ReviewDecision) ON (d.tenant, d.reviewId)',
  ),
  ddl(
    'er_not_same_tenant_pair',
    'CREATE CONSTRAINT er_not_same_tenant_pair IF NOT EXISTS FOR (n:ErNotSame) REQUIRE (n.tenant, n.a, n.b) IS UNIQUE',
  ),
  // Blocking looked candidates up by either side before it asked the sources' index once per group.
  ddl('drop_er_not_same_tenant_a', 'DROP INDEX er_not_same_tenant_a IF EXISTS'),
  ddl('drop_er_not_same_tenant_b', 'DROP INDEX er_not_same_tenant_b IF EXISTS'),
  // Blocking asks once per group which pairs name the incoming records' sources (er/cypher.ts rejectedForSources).
  ddl(
    notSameSourcesIndex,
    `CREATE FULLTEXT INDEX ${notSameSourcesIndex} IF NOT EXISTS FOR (n:ErNotSame) ON EACH [n.tenant, n.aSources, n.bSources]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'keyword'}}`,
  ),
  // The queue reads candidates by (tenant, status) in the order of one sortable property (reviewQueuePageCypher).
  ddl(
    'review_candidate_status_created',
    'CREATE INDEX review_candidate_status_created IF NOT EXISTS FOR (r:ReviewCandidate) ON (r.tenant, r.status, r.createdAt)',
  ),
  ddl(
    'review_candidate_status_score',
    'CREATE INDEX review_candidate_status_score IF NOT EXISTS FOR (r:ReviewCandidate) ON (r.tenant, r.status, r.score)',
  ),
] as const;

/**
 * The candidate-level half of the queue's filter (status, probability, age, assignee): answered from a candidate's own
 * properties, so it runs before any entity is looked up. `$minScore`..`$maxScore` and `$createdFrom`..`$createdTo`
 * are always set (the store narrows them to the cursor), so the index seeks on the sort property.
 */
const candidateFilter = (hint = '') => `MATCH (r:ReviewCandidate {tenant: $tenant, status: status})${hint}
  WHERE r.score >= $minScore AND r.score <= $maxScore
    AND r.createdAt >= $createdFrom AND r.createdAt <= $createdTo
    AND ($assignee IS NULL OR r.assignee = $assignee)
    AND (NOT $unassigned OR r.assignee IS NULL)`;

/**
 * The entity-level half (both entities exist, are unexpired and of a class the caller may see; kind, source system,
 * name text): `visible` for a candidate `r` with its entities `a` and `b` (either may be null).
 */
const entityFilter = `a IS NOT NULL AND b IS NOT NULL
  AND a.dataClass IN $dataClasses AND b.dataClass IN $dataClasses
  AND (a.expiresAt IS NULL OR a.expiresAt > $now) AND (b.expiresAt IS NULL OR b.expiresAt > $now)
  AND ($kinds IS NULL OR a.kind IN $kinds)
  AND ($sourceNeedle IS NULL OR a.sources CONTAINS $sourceNeedle OR b.sources CONTAINS $sourceNeedle)
  AND ($text IS NULL OR any(t IN $text WHERE t IN a.nameTokens OR t IN b.nameTokens))`;

const orders = {
  OLDEST: { property: 'createdAt', direction: 'ASC' },
  NEWEST: { property: 'createdAt', direction: 'DESC' },
  PROBABILITY_DESC: { property: 'score', direction: 'DESC' },
  PROBABILITY_ASC: { property: 'score', direction: 'ASC' },
} as const;

/**
 * The next `$scan` candidates after the cursor in one order, each with whether it is `visible` (entity-level filter)
 * and, when it is, both entities. Per status, the index of the sort property hands candidates over in order
 * (named by a hint: the planner would pick either; ORDER BY its whole key, so the planner uses the index's order
 * instead of sorting), and the LIMIT stops the seek:
 * the first page reads `$scan` candidates per status, not the tenant's whole queue. The store calls again after the
 * last row when too few were visible. The cursor is the sort value and id of the last row read (`$afterKey`,
 * `$afterId`); the store has already narrowed the range bound to it.
 */
function queuePage(name: string, o: (typeof orders)[keyof typeof orders]) {
  const p = `r.${o.property}`;
  const d = o.direction;
  return read(
    name,
    `UNWIND $statuses AS status
CALL (status) {
  ${candidateFilter(`\n  USING INDEX r:ReviewCandidate(tenant, status, ${o.property})`)}
    AND ($afterKey IS NULL OR ${p} <> $afterKey OR r.id > $afterId)
  RETURN r ORDER BY r.tenant, r.status, ${p} ${d}, r.id LIMIT $scan
}
WITH r ORDER BY ${p} ${d}, r.id LIMIT $scan
OPTIONAL MATCH (a:Entity {tenant: $tenant, id: r.entityId})
OPTIONAL MATCH (b:Entity {tenant: $tenant, id: r.candidateId})
WITH r, a, b, ${entityFilter} AS visible
RETURN r.id AS id, ${p} AS sortKey, visible, CASE WHEN visible THEN properties(r) END AS review,
  CASE WHEN visible THEN properties(a) END AS entity, CASE WHEN visible THEN properties(b) END AS candidate`,
  );
}

/** One scan of the queue per order (`reviewQueuePageCypher[orderBy]`); rows come in the page's order. */
export const reviewQueuePageCypher = {
  OLDEST: queuePage('reviewQueuePageOldest', orders.OLDEST),
  NEWEST: queuePage('reviewQueuePageNewest', orders.NEWEST),
  PROBABILITY_DESC: queuePage('reviewQueuePageProbabilityDesc', orders.PROBABILITY_DESC),
  PROBABILITY_ASC: queuePage('reviewQueuePageProbabilityAsc', orders.PROBABILITY_ASC),
} as const;

/**
 * How many candidates the queue's filter holds, looking at `$cap` candidates at most: `examined` candidates passed
 * the candidate-level filter and `total` of them are visible. When `examined` is below `$cap` every candidate was looked
 * at and `total` is exact; otherwise `total` is a lower bound ("≥ total"). Capped so a first page never pays for the
 * whole backlog: an exact count of a tenant's queue means reading both entities of every candidate (policy and
 * expiry live on the entities), which is what made the first page slow.
 */
export const reviewQueueCountCypher = read(
  'reviewQueueCount',
  `UNWIND $statuses AS status
CALL (status) {
  ${candidateFilter()}
  RETURN r LIMIT $cap
}
WITH r LIMIT $cap
OPTIONAL MATCH (a:Entity {tenant: $tenant, id: r.entityId})
OPTIONAL MATCH (b:Entity {tenant: $tenant, id: r.candidateId})
RETURN count(r) AS examined, count(CASE WHEN ${entityFilter} THEN 1 END) AS total`,
);

/** One review candidate with both entities (null when gone) and its decisions, oldest first. */
export const reviewDetailCypher = read(
  'reviewDetail',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id})
OPTIONAL MATCH (a:Entity {tenant: $tenant, id: r.entityId})
OPTIONAL MATCH (b:Entity {tenant: $tenant, id: r.candidateId})
OPTIONAL MATCH (d:ReviewDecision {tenant: $tenant, reviewId: $id})
WITH r, a, b, d ORDER BY d.at
RETURN properties(r) AS review, properties(a) AS entity, properties(b) AS candidate,
  [x IN collect(properties(d)) WHERE x IS NOT NULL] AS decisions`,
);

/**
 * Write-locks a review candidate and returns it with both entities' classes (the caller decides visibility). The lock
 * leaves no property behind: a call that then changes nothing (a retry) writes nothing a journal replay would have to
 * reproduce.
 */
export const lockReviewCypher = write(
  'lockReview',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id})
SET r._lock = true
REMOVE r._lock
WITH r
OPTIONAL MATCH (a:Entity {tenant: $tenant, id: r.entityId})
OPTIONAL MATCH (b:Entity {tenant: $tenant, id: r.candidateId})
RETURN properties(r) AS review, properties(a) AS entity, properties(b) AS candidate`,
);

/** Sets or clears (`$assignee` null) the reviewer working on a candidate. */
export const assignReviewCypher = write(
  'assignReview',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id})
SET r.assignee = $assignee, r.claimedAt = CASE WHEN $assignee IS NULL THEN null ELSE $now END`,
);

/** Records a decision's outcome on the candidate (`$status` ACCEPTED, REJECTED, DEFERRED, or OPEN on undo). */
export const setReviewStatusCypher = write(
  'setReviewStatus',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id})
SET r.status = $status, r.decision = $decision, r.decisionId = $decisionId, r.decidedBy = $reviewer,
  r.decidedAt = $now, r.mergeId = $mergeId`,
);

export const createReviewDecisionCypher = write(
  'createReviewDecision',
  `CREATE (d:ReviewDecision {tenant: $tenant, id: $id, reviewId: $reviewId, decision: $decision, reason: $reason,
  reviewer: $reviewer, sessionId: $sessionId, stepUpChallengeId: $stepUpChallengeId, mergeId: $mergeId, at: $now,
  audited: false})`,
);

/** The review's decision in force (not undone), if any. */
export const currentReviewDecisionCypher = read(
  'currentReviewDecision',
  `MATCH (d:ReviewDecision {tenant: $tenant, reviewId: $reviewId})
WHERE d.undoneAt IS NULL
RETURN properties(d) AS decision
ORDER BY d.at DESC
LIMIT 1`,
);

export const markDecisionUndoneCypher = write(
  'markReviewDecisionUndone',
  `MATCH (d:ReviewDecision {tenant: $tenant, id: $id})
SET d.undoneAt = $now, d.undoneBy = $reviewer, d.undoAudited = false`,
);

/** After the ledger append: `$field` is 'audited' (the decision) or 'undoAudited' (its undo). */
export const markDecisionAuditedCypher = write(
  'markReviewDecisionAudited',
  `MATCH (d:ReviewDecision {tenant: $tenant, id: $id})
SET d.audited = CASE WHEN $field = 'audited' THEN true ELSE d.audited END,
  d.undoAudited = CASE WHEN $field = 'undoAudited' THEN true ELSE d.undoAudited END`,
);

/** Records "not the same" for a pair (`$a` < `$b`); MERGE, so a retried reject adds nothing. */
export const createNotSameCypher = write(
  'createErNotSame',
  `MERGE (n:ErNotSame {tenant: $tenant, a: $a, b: $b})
ON CREATE SET n.reviewId = $reviewId, n.aSources = $aSources, n.bSources = $bSources, n.createdAt = $now`,
);

/** Removes the pair's constraint (undo of a reject). */
export const deleteNotSameCypher = write(
  'deleteErNotSame',
  `MATCH (n:ErNotSame {tenant: $tenant, a: $a, b: $b})
DELETE n`,
);

/** Every not-same pair of the tenant (the re-cluster planner keeps them apart). */
export const notSamePairsCypher = read(
  'erNotSamePairs',
  `MATCH (n:ErNotSame {tenant: $tenant})
RETURN n.a AS a, n.b AS b`,
);

/** Open review backlog of a tenant: how many and the oldest's creation time (the backlog metrics). */
export const reviewBacklogCypher = read(
  'reviewBacklog',
  `MATCH (r:ReviewCandidate {tenant: $tenant})
WHERE r.status IN ['OPEN', 'DEFERRED']
RETURN count(r) AS open, min(r.createdAt) AS oldestCreatedAt`,
);

/** Tenants with an open or deferred candidate: the scheduled backlog emitter's work list (tenant ids only). */
export const reviewBacklogTenantsCypher = tenantListing(
  'reviewBacklogTenants',
  `MATCH (r:ReviewCandidate)
WHERE r.status IN ['OPEN', 'DEFERRED']
RETURN DISTINCT r.tenant AS tenant
ORDER BY tenant`,
);

/**
 * Benchmark seeding only (load/bench-review): rows of two entities and the open candidate between them, written in one
 * statement per batch. What the ER effect would write for a MID pair, without scoring each one on the way in.
 */
export const seedReviewPairsCypher = write(
  'seedReviewPairs',
  `UNWIND $rows AS row
CREATE (a:Entity {tenant: $tenant}) SET a += row.entity
CREATE (b:Entity {tenant: $tenant}) SET b += row.candidate
CREATE (r:ReviewCandidate {tenant: $tenant}) SET r += row.review`,
);
