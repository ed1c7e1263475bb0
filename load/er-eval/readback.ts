/**
 * Reads back what graphgate decided for the evaluation's tenant: each record's final entity (following `mergedInto`
 * from the entity its event created) and the pairs sent to review. Two clusterings come out: `auto` (HIGH merges
 * only) and `review` (as if every open review candidate were accepted: merges plus open review links, transitively).
 */
import type { Driver } from 'neo4j-driver';
import { decisionOutcomesCypher, reviewCandidatesCypher } from '../../functions/core/er/cypher.js';
import { toNumber } from '../../functions/core/graph/model.js';
import { eventIdFor } from '../../functions/er-intake/enqueue.js';
import { Components } from './metrics.js';

export interface GraphgateOutcome {
  auto: Map<string, string>;
  review: Map<string, string>;
  bands: Record<string, number>;
  reviewCandidates: number;
  /** Epoch ms of each decision, ascending (the last one ends the end-to-end run). */
  decidedAt: number[];
}

/** Record id → final entity, for `recordIds` sent under `tenant` with their record ids as idempotency keys. */
export async function readOutcome(
  driver: Driver,
  tenant: string,
  recordIds: readonly string[],
): Promise<GraphgateOutcome> {
  const rows = (await driver.executeQuery(decisionOutcomesCypher.cypher, { tenant })).records.map((r) => ({
    eventId: r.get('eventId') as string,
    band: r.get('band') as string,
    decidedAt: toNumber(r.get('decidedAt')),
    entityId: r.get('entityId') as string,
    mergedInto: (r.get('mergedInto') as string | null) ?? null,
  }));
  const reviews = (await driver.executeQuery(reviewCandidatesCypher.cypher, { tenant })).records.map((r) => ({
    entityId: r.get('entityId') as string,
    candidateId: r.get('candidateId') as string,
    status: r.get('status') as string,
  }));
  const byEvent = new Map(rows.map((r) => [r.eventId, r]));
  const merges = new Components();
  for (const r of rows) if (r.mergedInto) merges.union(r.entityId, r.mergedInto);
  const withReviews = new Components();
  for (const r of rows) if (r.mergedInto) withReviews.union(r.entityId, r.mergedInto);
  const open = reviews.filter((r) => r.status === 'OPEN');
  for (const r of open) withReviews.union(r.entityId, r.candidateId);

  const auto = new Map<string, string>();
  const review = new Map<string, string>();
  const missing: string[] = [];
  for (const id of recordIds) {
    const row = byEvent.get(eventIdFor(tenant, id));
    if (!row) {
      missing.push(id);
      continue;
    }
    auto.set(id, merges.find(row.entityId));
    review.set(id, withReviews.find(row.entityId));
  }
  if (missing.length) throw new Error(`${missing.length} records have no ER decision (first: ${missing[0]})`);
  const bands: Record<string, number> = {};
  for (const r of rows) bands[r.band] = (bands[r.band] ?? 0) + 1;
  return {
    auto,
    review,
    bands,
    reviewCandidates: open.length,
    decidedAt: rows.map((r) => r.decidedAt).sort((a, b) => a - b),
  };
}
