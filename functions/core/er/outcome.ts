/** What an applied event decided (its stored ErDecision) and the audit ledger entry that records it. */
import type { Band } from './config.js';
import type { FsScore } from './model/model.js';
import type { Envelope } from './schemas.js';

/** Who the graph records as the actor of automatic merges. */
export const erActor = 'er-intake' as const;

/** What an applied event did: its stored decision (ErDecision) and the audit entry's data. */
export interface EffectOutcome {
  eventId: string;
  band: Band;
  /** The best candidate's match probability (0 without a candidate). */
  score: number;
  /** The entity created from the record (merged into `candidateId` when HIGH). */
  entityId: string;
  candidateId: string | null;
  mergeId: string | null;
  reviewId: string | null;
  /** Merges that joined other entities the record also matched at HIGH into `candidateId` (cluster repair). */
  repairMergeIds: string[];
  /** The best pair's waterfall: each comparison's level and Bayes factor, the prior, the probability. */
  explanation: FsScore | null;
  /** Entities whose reads the effect changed (a merge's survivor and every entity joined into it), for the cache. */
  touched: string[];
  modelVersion: string;
  /** Audit ledger sequence of this decision, once appended. */
  ledgerSeq: number | null;
}

/** The `er.band` audit entry of a decision, as its outbox keeps it (see ledger-outbox.ts). */
export interface BandEntry {
  kind: 'er.band';
  actor: typeof erActor;
  subject: string;
  data: Record<string, unknown>;
  traceId?: string;
}

/**
 * The `er.band` entry of an applied event: what was decided, from which record and model, and why. Written with the
 * decision in the effect's transaction, so the ledger receives exactly the decision that committed.
 */
export function bandEntry(envelope: Envelope, outcome: EffectOutcome, traceId: string | undefined): BandEntry {
  return {
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
    ...(traceId ? { traceId } : {}),
  };
}
