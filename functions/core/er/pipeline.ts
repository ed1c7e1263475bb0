/**
 * One intake event from message body to applied effect: parse → kind check → idempotency key claim (DynamoDB) →
 * graph effect exactly once (Neo4j) → audit ledger entry. Runtime-neutral: the Lambda handler and the local worker
 * both call it.
 *
 * Store writes per first-time event: one idempotency put (the key and the record's hash), the ledger's puts, and a
 * share of two Neo4j transactions: concurrent events are grouped (up to `graphBatch` per transaction) for the effect
 * and again for recording their ledger sequences. A duplicate costs one failed conditional put, one read and a share of
 * an effect transaction (its stripes, its blocking read and the marker), which answers with the stored decision.
 */
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import type { AuditLedger } from '../audit/types.js';
import { queues } from '../resources/index.js';
import { applyEvents, type EffectOutcome, type EventWork, erActor } from './apply.js';
import type { ErConfig } from './config.js';
import { EventInProgressError, InvalidEventError, KindNotEnabledError } from './errors.js';
import { groupCommit } from './group-commit.js';
import type { ErClaim } from './idempotency.js';
import { claimLedger, recordLedgerSeqs } from './ledger-seq.js';
import { type ModelSource, storedModels } from './model-store.js';
import { publishQuietly, type ReviewEvent, type ReviewEventBus } from './review/events.js';
import { type Envelope, envelopeSchema } from './schemas.js';

/** The graph effect plus its audit entry; replaceable so a benchmark can measure the path before the graph write. */
export type Effect = (envelope: Envelope, remainingMs: number) => Promise<EffectOutcome & { applied: boolean }>;

export interface PipelineDeps {
  claim: ErClaim;
  effect: Effect;
  config: ErConfig;
}

export interface ProcessResult {
  outcome: EffectOutcome & { applied: boolean };
  /** Applied before (a redelivery or a producer retry): answered by the effect's exactly-once marker. */
  duplicate: boolean;
  /** ms from the start of processing until the graph write began. */
  beforeGraphMs?: number;
}

/** Parses a message body into an envelope or throws INVALID_EVENT naming what is wrong (never the record's values). */
export function parseEnvelope(body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new InvalidEventError('message body is not JSON', { cause });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
    throw new InvalidEventError(`message is not a valid intake envelope: ${z.prettifyError(parsed.error)}`, {
      context: { paths: [...new Set(paths)].slice(0, 10) },
    });
  }
  return parsed.data;
}

/** How the default effect groups concurrent events into Neo4j transactions. */
export interface GraphEffectOptions {
  /** Events per effect transaction at most. @default the consumer's batch size (`queues.intake.batchSize`) */
  graphBatch?: number;
  /** Effect transactions at once per process; events arriving meanwhile form the next group. @default 2 */
  graphTxInFlight?: number;
  /** Where each tenant's match model comes from. @default the tenant's stored model ({@link storedModels}) */
  models?: ModelSource;
  /**
   * Evicts cached reads of entities a merge changed, after the effect committed (the response cache's entity
   * invalidator; it reports store failures itself and never throws for them).
   */
  invalidate?: (tenant: string, entityIds: string[]) => Promise<void>;
  /** Live review queues: told of each candidate the effect opened, after it committed (failures go to `onError`). */
  reviewEvents?: ReviewEventBus;
  /** Where a failed publication is reported (it never fails the event: the graph already holds the candidate). */
  onError?: (what: string, err: unknown) => void;
}

/**
 * The default effect: the graph write (exactly once per event id) and, once per decision, its `er.band` ledger entry.
 * Concurrent events share transactions (see group-commit.ts); each event's marker still commits with its own effect.
 * A redelivery after a crash between the two finds `ledgerSeq` unset and appends then, after claiming the append (so
 * two overlapping receives seldom both try). The claim is only a saving: it expires with the receive's remaining time,
 * and a receive can outlive it (a throttled store), so the ledger's `appendOnce` (one entry per event id) is what keeps
 * a redelivery, or a crash between the ledger put and `recordLedgerSeq`, from leaving a twin entry.
 */
export function graphEffect(
  driver: Driver,
  ledger: AuditLedger,
  config: ErConfig,
  options: GraphEffectOptions = {},
): Effect {
  const grouping = {
    maxBatch: options.graphBatch ?? queues.intake.batchSize,
    maxInFlight: options.graphTxInFlight ?? 2,
  };
  const models = options.models ?? storedModels(driver);
  const apply = groupCommit(async (work: EventWork[]) => applyEvents(driver, work, config, models), grouping);
  const recordSeq = groupCommit(async (rows: { tenant: string; eventId: string; seq: number }[]) => {
    await recordLedgerSeqs(driver, rows);
    return rows.map(() => undefined);
  }, grouping);
  return async (envelope, remainingMs) => {
    const settled = await apply({ envelope, remainingMs });
    if (settled.status === 'rejected') throw settled.reason;
    const { applied, outcome } = settled.value;
    const committedAt = Date.now();
    const opened: ReviewEvent[] =
      applied && outcome.reviewId
        ? [{ tenant: envelope.tenant, kind: 'CREATED', reviewId: outcome.reviewId, status: 'OPEN', committedAt }]
        : [];
    // Side by side: the live queue's event does not wait for the cache invalidation (the queue is never cached).
    await Promise.all([
      outcome.touched.length > 0 ? options.invalidate?.(envelope.tenant, outcome.touched) : undefined,
      publishQuietly(options.reviewEvents, opened, (err) => options.onError?.('review event', err)),
    ]);
    // A fresh decision is created already claimed by this caller. A redelivery that finds it unledgered must claim
    // it; if another receive holds a fresh claim, this one retries later instead of doing the same append beside it.
    const redelivered = outcome.ledgerSeq == null && !applied;
    if (redelivered && !(await claimLedger(driver, envelope.tenant, envelope.eventId, remainingMs))) {
      throw new EventInProgressError(envelope.eventId);
    }
    if (outcome.ledgerSeq == null) {
      // appendOnce: a receive that outlived its claim may still be appending this event's entry (a throttled store),
      // or a crash between the put and recordSeq left one unrecorded; either way the chain keeps exactly one.
      const { entry } = await ledger.appendOnce(envelope.tenant, {
        kind: 'er.band',
        actor: erActor,
        subject: envelope.eventId,
        data: {
          eventId: envelope.eventId,
          idempotencyKey: envelope.idempotencyKey,
          submittedBy: envelope.submittedBy,
          source: { system: envelope.record.source.system, recordId: envelope.record.source.recordId },
          band: outcome.band,
          score: outcome.score,
          entityId: outcome.entityId,
          candidateId: outcome.candidateId,
          mergeId: outcome.mergeId,
          reviewId: outcome.reviewId,
          repairMergeIds: outcome.repairMergeIds,
          modelVersion: outcome.modelVersion,
          explanation: outcome.explanation,
        },
      });
      await recordSeq({ tenant: envelope.tenant, eventId: envelope.eventId, seq: entry.seq });
      outcome.ledgerSeq = entry.seq;
    }
    return { ...outcome, applied };
  };
}

/** Processes one parsed envelope; errors carry stable ER codes (see errors.ts). */
export async function processEnvelope(
  deps: PipelineDeps,
  envelope: Envelope,
  remainingMs: number,
): Promise<ProcessResult> {
  const started = performance.now();
  if (!deps.config.enabledKinds.includes(envelope.record.kind)) {
    throw new KindNotEnabledError(envelope.record.kind, envelope.eventId);
  }
  await deps.claim(envelope);
  const beforeGraphMs = performance.now() - started;
  const outcome = await deps.effect(envelope, remainingMs);
  return { outcome, duplicate: !outcome.applied, beforeGraphMs };
}
