/**
 * One intake event from message body to applied effect: parse → kind check → idempotency key claim (DynamoDB) →
 * graph effect exactly once (Neo4j) → audit ledger entry. Runtime-neutral: the Lambda handler and the local worker
 * both call it.
 *
 * Store writes per first-time event: one idempotency put (the key and the record's hash) and a share of one ledger put
 * and of two Neo4j transactions: concurrent events are grouped (up to `graphBatch` per transaction) for the effect,
 * which also writes each decision's ledger entry (the outbox); a tenant's waiting entries go to the ledger as one block
 * item, and their seqs are recorded in one transaction for many tenants (ledger-outbox.ts). A duplicate costs one failed conditional put, one read and a share of an effect
 * transaction (its stripes, its blocking read and the marker), which answers with the stored decision.
 */
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import type { AuditLedger } from '../audit/types.js';
import { queues } from '../resources/index.js';
import { currentTraceId } from '../telemetry/propagation.js';
import { applyEvents, type EventWork } from './apply.js';
import type { ErConfig } from './config.js';
import { InvalidEventError, KindNotEnabledError } from './errors.js';
import { type Announcement, groupCommit } from './group-commit.js';
import type { ErClaim } from './idempotency.js';
import { type LedgerChainOptions, ledgerChainer, recordLedgerSeq } from './ledger-outbox.js';
import { type ModelSource, storedModels } from './model-store.js';
import { bandEntry, type EffectOutcome } from './outcome.js';
import { publishQuietly, type ReviewEvent, type ReviewEventBus } from './review/events.js';
import { type Envelope, envelopeSchema } from './schemas.js';

/** The graph effect plus its audit entry; replaceable so a benchmark can measure the path before the graph write. */
export interface Effect {
  /** `announced`: what {@link Effect.announce} returned before the event's claim, when the effect has it. */
  (envelope: Envelope, remainingMs: number, announced?: Announcement): Promise<EffectOutcome & { applied: boolean }>;
  /**
   * Says an event will reach the effect once its idempotency claim is done, so the events of a batch, claimed side by
   * side, share one graph transaction instead of the first to be claimed leaving alone (see group-commit.ts).
   */
  announce?: () => Announcement;
}

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
  /** How decisions' entries are appended to the ledger (see ledger-outbox.ts). */
  chain?: LedgerChainOptions;
}

/**
 * The default effect: the graph write (exactly once per event id), which also keeps the decision's `er.band` ledger
 * entry (the outbox), then that entry appended to the tenant's audit ledger exactly once, before the event is done.
 * Concurrent events share transactions (see group-commit.ts); each event's marker still commits with its own effect,
 * and a tenant's entries reach the ledger in batches (ledger-outbox.ts). A redelivery after a crash between the two
 * finds the decision without `ledgerSeq` and chains its stored entry then; the chainer finds it if it was appended.
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
  const chain = ledgerChainer(driver, ledger, options.chain);
  const effect: Effect = async (envelope, _remainingMs, announced) => {
    // The trace is taken here, in the event's own context: the group runs in the context of its first event.
    const work = { envelope, traceId: currentTraceId() };
    const settled = await (announced ? apply.submit(work, announced) : apply(work));
    if (settled.status === 'rejected') throw settled.reason;
    const { applied, outcome, entry } = settled.value;
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
    if (outcome.ledgerSeq == null) {
      if (entry) {
        outcome.ledgerSeq = await chain(envelope.tenant, entry);
      } else {
        // A decision written before decisions kept their entry: appendOnce keeps one entry per event id.
        const legacy = bandEntry(envelope, outcome, currentTraceId());
        const { entry: stored } = await ledger.appendOnce(envelope.tenant, legacy);
        await recordLedgerSeq(driver, envelope.tenant, envelope.eventId, stored.seq);
        outcome.ledgerSeq = stored.seq;
      }
    }
    return { ...outcome, applied };
  };
  effect.announce = () => apply.announce();
  return effect;
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
  const coming = deps.effect.announce?.();
  try {
    await deps.claim(envelope);
    const beforeGraphMs = performance.now() - started;
    const outcome = await deps.effect(envelope, remainingMs, coming);
    return { outcome, duplicate: !outcome.applied, beforeGraphMs };
  } finally {
    // A failed claim or an effect that failed before submitting must not leave the group waiting for this event;
    // after a submission it is a no-op.
    coming?.withdraw();
  }
}
