/**
 * Cypher of entity resolution's own nodes. Like every template in graphgate: static text, `$tenant` on every node,
 * values only as parameters.
 *
 *   (:ErDecision {tenant, eventId, band, score, entityId, candidateId, mergeId, reviewId, explanation: JSON string,
 *                 configVersion, decidedAt: epoch ms, ledgerSeq?: audit ledger sequence once appended})
 *   (:ReviewCandidate {tenant, id, eventId, entityId, candidateId, score, explanation: JSON string,
 *                      status: 'OPEN' | 'ACCEPTED' | 'REJECTED', createdAt})
 */

/** Schema of the nodes above (idempotent; run next to the graph's `migrate`). */
export const erMigrationStatements: readonly string[] = [
  'CREATE CONSTRAINT er_decision_tenant_event IF NOT EXISTS FOR (d:ErDecision) REQUIRE (d.tenant, d.eventId) IS UNIQUE',
  'CREATE CONSTRAINT review_candidate_tenant_id IF NOT EXISTS FOR (r:ReviewCandidate) REQUIRE (r.tenant, r.id) IS UNIQUE',
  'CREATE INDEX review_candidate_status IF NOT EXISTS FOR (r:ReviewCandidate) ON (r.tenant, r.status)',
];

export const createDecisionCypher = `CREATE (d:ErDecision {tenant: $tenant, eventId: $eventId, band: $band, score: $score,
  entityId: $entityId, candidateId: $candidateId, mergeId: $mergeId, reviewId: $reviewId, explanation: $explanation,
  configVersion: $configVersion, decidedAt: $now, ledgerClaimUntil: $claimUntil})`;

export const getDecisionCypher = `MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId})
RETURN properties(d) AS decision`;

export const setDecisionLedgerSeqCypher = `MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId})
SET d.ledgerSeq = $seq`;

/** {@link setDecisionLedgerSeqCypher} for many decisions in one statement: `$rows` of `{tenant, eventId, seq}`. */
export const setDecisionLedgerSeqsCypher = `UNWIND $rows AS row
MATCH (d:ErDecision {tenant: row.tenant, eventId: row.eventId})
SET d.ledgerSeq = row.seq`;

/**
 * Claims the right to append a decision's ledger entry: true for one caller until its claim runs out (the holder's
 * invocation deadline); after that (the holder died between commit and append) another receive can take it over.
 */
export const claimLedgerCypher = `MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId})
WHERE d.ledgerSeq IS NULL AND (d.ledgerClaimUntil IS NULL OR d.ledgerClaimUntil < $now)
SET d.ledgerClaimUntil = $claimUntil, d.ledgerClaim = $token
RETURN d.ledgerClaim = $token AS claimed`;

export const createReviewCandidateCypher = `CREATE (r:ReviewCandidate {tenant: $tenant, id: $id, eventId: $eventId,
  entityId: $entityId, candidateId: $candidateId, score: $score, explanation: $explanation, status: 'OPEN',
  createdAt: $now})`;
