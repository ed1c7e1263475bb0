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
  // Blocking looks a candidate up by either side (er/cypher.ts blockingCandidatesCypher).
  ddl('er_not_same_tenant_a', 'CREATE INDEX er_not_same_tenant_a IF NOT EXISTS FOR (n:ErNotSame) ON (n.tenant, n.a)'),
  ddl('er_not_same_tenant_b', 'CREATE INDEX er_not_same_tenant_b IF NOT EXISTS FOR (n:ErNotSame) ON (n.tenant, n.b)'),
] as const;

/**
 * The queue's filter, shared by the page and the count: status, probability range, age, assignee, and on the two
 * entities (both must exist, be unexpired and be of a class the caller may see) kind, source system and name text.
 * `$sortKey` orders the page: a number per `$order` (probability or creation time, either direction).
 */
const queueFilter = `MATCH (r:ReviewCandidate {tenant: $tenant})
WHERE ($statuses IS NULL OR r.status IN $statuses)
  AND r.score >= $minProbability AND r.score <= $maxProbability
  AND ($createdBefore IS NULL OR r.createdAt <= $createdBefore)
  AND ($createdAfter IS NULL OR r.createdAt >= $createdAfter)
  AND ($assignee IS NULL OR r.assignee = $assignee)
  AND (NOT $unassigned OR r.assignee IS NULL)
MATCH (a:Entity {tenant: $tenant, id: r.entityId})
MATCH (b:Entity {tenant: $tenant, id: r.candidateId})
WHERE a.dataClass IN $dataClasses AND b.dataClass IN $dataClasses
  AND (a.expiresAt IS NULL OR a.expiresAt > $now) AND (b.expiresAt IS NULL OR b.expiresAt > $now)
  AND ($kinds IS NULL OR a.kind IN $kinds)
  AND ($sourceNeedle IS NULL OR a.sources CONTAINS $sourceNeedle OR b.sources CONTAINS $sourceNeedle)
  AND ($text IS NULL OR any(t IN $text WHERE t IN a.nameTokens OR t IN b.nameTokens))
WITH r, a, b, CASE $order
    WHEN 'PROBABILITY_DESC' THEN -toFloat(r.score)
    WHEN 'PROBABILITY_ASC' THEN toFloat(r.score)
    WHEN 'NEWEST' THEN -toFloat(r.createdAt)
    ELSE toFloat(r.createdAt) END AS sortKey`;

/** One page of the queue after the cursor (`$afterKey`, `$afterId`; null for the first page), `$limit` rows. */
export const reviewQueuePageCypher = read(
  'reviewQueuePage',
  `${queueFilter}
WHERE $afterKey IS NULL OR sortKey > $afterKey OR (sortKey = $afterKey AND r.id > $afterId)
RETURN properties(r) AS review, properties(a) AS entity, properties(b) AS candidate, sortKey
ORDER BY sortKey, r.id
LIMIT $limit`,
);

/** How many candidates the queue's filter holds (the page's total). */
export const reviewQueueCountCypher = read('reviewQueueCount', `${queueFilter}\nRETURN count(r) AS total`);

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

/** Write-locks a review candidate and returns it with both entities' classes (the caller decides visibility). */
export const lockReviewCypher = write(
  'lockReview',
  `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id})
SET r.lockedAt = $now
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
