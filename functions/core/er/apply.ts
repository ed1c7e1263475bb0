/**
 * The per-event graph effect, exactly once: one `executeWrite` that first records (tenant, eventId) as applied and
 * then blocks, scores, bands and writes. A redelivery after a crash finds the marker and changes nothing, because the
 * marker commits or rolls back together with the effect.
 */
import { createHash } from 'node:crypto';
import type { Driver, ManagedTransaction } from 'neo4j-driver';
import { upsertEntityTx } from '../graph/entity-writes.js';
import { GraphError } from '../graph/errors.js';
import { mergeEntitiesTx } from '../graph/merge.js';
import { epochMs, toNumber } from '../graph/model.js';
import { markEventAppliedTx } from './applied-marker.js';
import { blockingCandidatesTx } from './blocking.js';
import type { Band, ErConfig } from './config.js';
import { createDecisionCypher, createReviewCandidateCypher, getDecisionCypher } from './cypher.js';
import { DependencyFailedError } from './errors.js';
import { normaliseRecord } from './normalise.js';
import type { Envelope } from './schemas.js';
import { type Decision, decide, type FeatureContribution } from './score.js';

/** Who the graph records as the actor of automatic merges. */
export const erActor = 'er-intake';

/** What an applied event did; also the idempotency record's stored result and the audit entry's data. */
export interface EffectOutcome {
  eventId: string;
  band: Band;
  score: number;
  /** The entity created from the record (merged into `candidateId` when HIGH). */
  entityId: string;
  candidateId: string | null;
  mergeId: string | null;
  reviewId: string | null;
  features: FeatureContribution[];
  configVersion: string;
  /** Audit ledger sequence of this decision, once appended. */
  ledgerSeq: number | null;
}

/** Deterministic ids from the event id: a retried transaction creates the same entity, never a second one. */
export const entityIdFor = (eventId: string) => `er-${digest(eventId)}`;
const reviewIdFor = (eventId: string) => `rv-${digest(eventId)}`;
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

async function readDecision(tx: ManagedTransaction, tenant: string, eventId: string): Promise<EffectOutcome | null> {
  const row = (await tx.run(getDecisionCypher.cypher, { tenant, eventId })).records[0];
  if (!row) return null;
  const d = row.get('decision') as Record<string, unknown>;
  return {
    eventId,
    band: d.band as Band,
    score: Number(d.score),
    entityId: String(d.entityId),
    candidateId: (d.candidateId as string | null) ?? null,
    mergeId: (d.mergeId as string | null) ?? null,
    reviewId: (d.reviewId as string | null) ?? null,
    features: JSON.parse(String(d.explanation)) as FeatureContribution[],
    configVersion: String(d.configVersion),
    ledgerSeq: d.ledgerSeq == null ? null : toNumber(d.ledgerSeq),
  };
}

/** Writes the entity and the band's effect for a decision already made. */
async function writeEffect(
  tx: ManagedTransaction,
  envelope: Envelope,
  decision: Decision,
  remainingMs: number,
): Promise<EffectOutcome> {
  const { tenant, eventId, record } = envelope;
  const n = normaliseRecord(record);
  const entityId = entityIdFor(eventId);
  await upsertEntityTx(tx, tenant, {
    id: entityId,
    kind: record.kind,
    names: n.names,
    identifiers: n.identifiers,
    attributes: { ...record.attributes, dates: n.dates },
    dataClass: record.dataClass,
    licence: record.licence,
    sources: [
      { system: record.source.system, recordId: record.source.recordId, retrievedAt: record.source.retrievedAt },
    ],
  });
  let mergeId: string | null = null;
  let reviewId: string | null = null;
  const explanation = JSON.stringify(decision.features);
  if (decision.band === 'HIGH' && decision.candidateId) {
    const merged = await mergeEntitiesTx(tx, tenant, {
      survivorId: decision.candidateId,
      mergedId: entityId,
      reason: `er ${decision.band} ${decision.score} event ${eventId}`,
      actor: erActor,
    });
    mergeId = merged.mergeId;
  } else if (decision.band === 'MID' && decision.candidateId) {
    reviewId = reviewIdFor(eventId);
    await tx.run(createReviewCandidateCypher.cypher, {
      tenant,
      id: reviewId,
      eventId,
      entityId,
      candidateId: decision.candidateId,
      score: decision.score,
      explanation,
      now: epochMs(),
    });
  }
  await tx.run(createDecisionCypher.cypher, {
    tenant,
    eventId,
    band: decision.band,
    score: decision.score,
    entityId,
    candidateId: decision.candidateId,
    mergeId,
    reviewId,
    explanation,
    configVersion: decision.configVersion,
    now: epochMs(),
    claimUntil: epochMs(Date.now() + remainingMs),
  });
  return { eventId, entityId, mergeId, reviewId, ledgerSeq: null, ...pick(decision) };
}

const pick = (d: Decision) => ({
  band: d.band,
  score: d.score,
  candidateId: d.candidateId,
  features: d.features,
  configVersion: d.configVersion,
});

/**
 * The effect as a transaction function: marker first; if the event was applied before, returns the stored decision
 * with `applied: false` and writes nothing.
 */
export async function applyEventTx(
  tx: ManagedTransaction,
  envelope: Envelope,
  config: ErConfig,
  remainingMs = 5_000,
): Promise<{ applied: boolean; outcome: EffectOutcome }> {
  const { tenant, eventId } = envelope;
  if (!(await markEventAppliedTx(tx, tenant, eventId))) {
    const stored = await readDecision(tx, tenant, eventId);
    if (!stored) throw new DependencyFailedError(`decision of applied event ${eventId} is missing`);
    return { applied: false, outcome: stored };
  }
  const n = normaliseRecord(envelope.record);
  const candidates = await blockingCandidatesTx(tx, tenant, {
    tokens: n.tokens,
    identifiers: n.identifiers,
    limit: config.candidateLimit,
  });
  const decision = decide(
    n,
    candidates.map((c) => c.entity),
    config,
  );
  return { applied: true, outcome: await writeEffect(tx, envelope, decision, remainingMs) };
}

/**
 * Runs {@link applyEventTx} in one write transaction. A merge that loses a race with a concurrent merge of the same
 * candidate (graph CONFLICT) is decided again from fresh candidates, up to `attempts` times.
 */
export async function applyEvent(
  driver: Driver,
  envelope: Envelope,
  config: ErConfig,
  remainingMs = 5_000,
  attempts = 3,
): Promise<{ applied: boolean; outcome: EffectOutcome }> {
  for (let attempt = 1; ; attempt++) {
    const session = driver.session();
    try {
      return await session.executeWrite((tx) => applyEventTx(tx, envelope, config, remainingMs));
    } catch (err) {
      const conflict = err instanceof GraphError && err.code === 'CONFLICT';
      if (conflict && attempt < attempts) continue;
      throw new DependencyFailedError('graph write', {
        cause: err,
        code: conflict ? 'GRAPH_CONFLICT' : 'DEPENDENCY_FAILED',
      });
    } finally {
      await session.close();
    }
  }
}

/** One event of a grouped write: its envelope and its invocation's remaining time (the ledger claim's deadline). */
export interface EventWork {
  envelope: Envelope;
  remainingMs: number;
}

/**
 * Applies several events in one write transaction, each exactly as {@link applyEventTx} (its marker commits with its
 * effect), so the group pays one commit. Events are applied in order and see each other's writes: a duplicate inside
 * the group is blocked like one committed before it. If the group fails (a merge CONFLICT, an invalid record), the
 * events are applied again one by one in order with {@link applyEvent}, so one bad event fails only itself.
 */
export async function applyEvents(
  driver: Driver,
  work: readonly EventWork[],
  config: ErConfig,
): Promise<PromiseSettledResult<{ applied: boolean; outcome: EffectOutcome }>[]> {
  if (work.length > 1) {
    const session = driver.session();
    try {
      const results = await session.executeWrite(async (tx) => {
        const out: { applied: boolean; outcome: EffectOutcome }[] = [];
        for (const w of work) out.push(await applyEventTx(tx, w.envelope, config, w.remainingMs));
        return out;
      });
      return results.map((value) => ({ status: 'fulfilled', value }));
    } catch {
      // Fall through: the group rolled back as a whole; each event now gets its own transaction and its own error.
    } finally {
      await session.close();
    }
  }
  // One by one and in order, so an event still sees the ones before it, as it would have in the group.
  const settled: PromiseSettledResult<{ applied: boolean; outcome: EffectOutcome }>[] = [];
  for (const w of work) {
    try {
      settled.push({ status: 'fulfilled', value: await applyEvent(driver, w.envelope, config, w.remainingMs) });
    } catch (reason) {
      settled.push({ status: 'rejected', reason });
    }
  }
  return settled;
}
