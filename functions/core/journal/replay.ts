/**
 * Brings a restored graph forward: applies, in journal order, every write acknowledged since the backup began.
 *
 * - Order and outcome (plan.ts): an intent journaled ahead of its write (intent.ts) replays at its `committed`
 *   outcome's time (the commit order) and is skipped when `aborted` or `unchanged`. One without an outcome is in
 *   doubt and decided by evidence that survives the graph: replayed at its own time when the audit ledger holds its
 *   review decision's (or undo's) entry, otherwise left out and listed in `inDoubtSkipped` — the origin answers "ok"
 *   only after the `committed` outcome is appended, so its caller was told it failed. Entries without an intent were
 *   appended after their commit.
 * - GraphQL upserts and links run again through the repository (idempotent by id; the policy already decided them
 *   when they were accepted, so they are not decided again). A reclassify sets the class again (idempotent too).
 * - A merge runs again with the mergeId it was acknowledged with, unless the restored graph already holds that merge
 *   record; an unmerge runs unless its merge record is already undone — so replaying twice changes nothing. A merge or
 *   unmerge the graph refuses (an entity gone, already merged) is counted in `graphqlRefused`, never aborts the replay.
 *   A re-cluster's merges and splits are journaled as merges and unmerges and replay the same way; the review
 *   candidates it closed and opened are written again with the same values (idempotent writes).
 * - A review claim or release sets the same assignee at the same time unless the candidate already has it.
 * - A review decision runs again under its decision id (an ACCEPT under its merge id) unless the candidate holds it; an
 *   undo runs unless that decision is already undone (replay-reviews.ts). They count as GraphQL writes too.
 * - An intake event is applied again only if the audit ledger holds its `er.band` entry, i.e. it had completed before
 *   the graph was lost: its idempotency record would make the consumer skip a redelivery, so replay is the only way
 *   back. The decision is recorded against that existing entry, so the ledger never holds a second one. An event
 *   without an entry had not completed; SQS redelivery or the DLQ replay brings it (the consumer's marker keeps it
 *   exactly once). Events are read from `eventLookbackMs` before the backup began, because one accepted before the
 *   backup may have been applied after it (it waited in the queue); an `er.band` entry appended since the backup
 *   whose event is not in that window is counted in `eventsOutsideWindow` (widen the window and replay again).
 */
import type { Driver } from 'neo4j-driver';
import type { AuditLedger } from '../audit/types.js';
import { applyEvent } from '../er/apply.js';
import type { ErConfig } from '../er/config.js';
import { recordLedgerSeq } from '../er/ledger-outbox.js';
import { storedModels } from '../er/model-store.js';
import type { Envelope } from '../er/schemas.js';
import { lockMergeRecordCypher } from '../graph/cypher/writes.js';
import { mergeEntitiesTx, unmergeTx } from '../graph/merge.js';
import type { GraphRepository } from '../graph/types.js';
import { type Planned, planReplay, type SkippedIntent } from './plan.js';
import {
  type AuditedReviews,
  graphRefusals,
  inWriteTx,
  type ReplayOutcome,
  refusedOn,
  replayClaim,
  replayReclusterReview,
  replayReviewWrite,
} from './replay-reviews.js';
import type { JournalEntry, JournaledOperation, WriteJournal } from './types.js';

export interface ReplayDeps {
  driver: Driver;
  repo: GraphRepository;
  ledger: AuditLedger;
  journal: WriteJournal;
  erConfig: ErConfig;
}

/** How far before the backup the journal is read for events (their time in the queue). @default 1 hour */
export const defaultEventLookbackMs = 3_600_000;

export interface ReplayReport {
  tenant: string;
  sinceMs: number;
  graphqlWrites: number;
  /** Merges, unmerges, review decisions and undos the restored graph already held (in the backup, or replayed). */
  graphqlAlreadyApplied: number;
  /** Merges, unmerges, decisions and undos the restored graph refused (CONFLICT, NOT_FOUND): see the journal entry. */
  graphqlRefused: number;
  /** Intents whose write was refused before its commit (their `aborted` outcome): skipped. */
  graphqlAborted: number;
  /** Intents whose write changed nothing (a retry that found its change made: `unchanged`): skipped. */
  graphqlUnchanged: number;
  /**
   * Intents without an outcome. Those the ledger shows committed are replayed (and counted as applied, already applied
   * or refused); the others are left out and listed in `inDoubtSkipped` (plan.ts).
   */
  graphqlInDoubt: number;
  /** In-doubt intents left out: their callers were not told they succeeded. */
  inDoubtSkipped: SkippedIntent[];
  eventsApplied: number;
  /** Events already in the restored graph (they were in the backup). */
  eventsAlreadyApplied: number;
  /** Events without a ledger entry: left to SQS redelivery and DLQ replay. */
  eventsLeftToQueue: number;
  /** Replayed events whose band differs from the one the ledger recorded (the graph around them was different). */
  bandsDiffering: number;
  /** `er.band` entries appended since the backup whose event the journal window does not hold: not restored. */
  eventsOutsideWindow: number;
}

type Bands = Map<string, { seq: number; band: unknown; at: number }>;

/** One read of a tenant's ledger: `er.band` entries by event id, and the review decisions and undos it audited. */
async function ledgerIndex(ledger: AuditLedger, tenant: string): Promise<{ bands: Bands; reviews: AuditedReviews }> {
  const bands: Bands = new Map();
  const reviews = { decisions: new Set<string>(), undos: new Set<string>() };
  for await (const e of ledger.read(tenant)) {
    if (e.kind === 'er.band' && e.subject)
      bands.set(e.subject, { seq: e.seq, band: e.data.band, at: Date.parse(e.at) });
    else if (e.kind === 'er.review.decision') reviews.decisions.add(String(e.data.decisionId));
    else if (e.kind === 'er.review.undo') reviews.undos.add(String(e.data.decisionId));
  }
  return { bands, reviews };
}

/** Replays one journaled GraphQL write; merges and unmerges only when the graph does not already show them. */
async function replayGraphqlWrite(
  deps: ReplayDeps,
  tenant: string,
  operation: JournaledOperation,
  input: Record<string, unknown>,
  reviews: AuditedReviews,
): Promise<ReplayOutcome> {
  const { repo } = deps;
  if (operation === 'decideReview' || operation === 'undoReviewDecision') {
    return replayReviewWrite(deps.driver, tenant, operation, input, reviews);
  }
  if (operation === 'closeReclusterReview' || operation === 'openReclusterReview') {
    return replayReclusterReview(deps.driver, tenant, operation, input);
  }
  if (operation === 'claimReview') return replayClaim(deps.driver, tenant, input);
  if (operation === 'mergeEntity' || operation === 'unmergeEntity')
    return replayMerge(deps.driver, tenant, operation, input);
  // Upserts and reclassifications journaled ahead carry their time (`at`): the replay stamps the same.
  // Links journaled ahead carry their relationship id too: a replayed link finds itself instead of adding a second.
  const { at, relId, ...rest } = input;
  const stamped = typeof at === 'number' ? at : undefined;
  // Refused: a link or reclassify of an entity the restored graph lacks (its upsert an in-doubt intent left out).
  return refusedOn(graphRefusals, async () => {
    if (operation === 'upsertEntity') await repo.upsertEntity(tenant, rest as never, undefined, stamped);
    else if (operation === 'linkEntities') {
      await repo.linkEntities(tenant, rest as never, undefined, { relId: relId as string | undefined, at: stamped });
    } else await repo.reclassifyEntity(tenant, rest as never, undefined, stamped);
    return 'applied' as const;
  });
}

/** A merge under its own id unless the graph holds its record; an unmerge unless that record is already undone. */
async function replayMerge(
  driver: Driver,
  tenant: string,
  operation: 'mergeEntity' | 'unmergeEntity',
  input: Record<string, unknown>,
): Promise<ReplayOutcome> {
  const mergeId = String(input.mergeId);
  return refusedOn(graphRefusals, () =>
    inWriteTx(driver, async (tx): Promise<ReplayOutcome> => {
      const found = await tx.run(lockMergeRecordCypher.cypher, { tenant, mergeId });
      const record = found.records[0]?.get('record') as { undoneAt?: unknown } | undefined;
      if (operation === 'mergeEntity') {
        if (record) return 'already';
        await mergeEntitiesTx(tx, tenant, input as never);
      } else {
        if (record?.undoneAt != null) return 'already';
        await unmergeTx(tx, tenant, input as never);
      }
      return 'applied';
    }),
  );
}

/** Applies one planned entry and counts what it did. */
async function replayEntry(
  deps: ReplayDeps,
  { entry, replayAt }: Planned,
  report: ReplayReport,
  { bands, reviews }: Awaited<ReturnType<typeof ledgerIndex>>,
) {
  const { tenant, payload } = entry;
  if (payload.kind === 'outcome') return;
  if (payload.kind === 'graphql') {
    if (replayAt < report.sinceMs) return;
    const outcome = await replayGraphqlWrite(deps, tenant, payload.operation, payload.input, reviews);
    if (outcome === 'applied') report.graphqlWrites++;
    else if (outcome === 'already') report.graphqlAlreadyApplied++;
    else report.graphqlRefused++;
    return;
  }
  const envelope = payload.envelope as unknown as Envelope;
  const recorded = bands.get(envelope.eventId);
  // Seen in the window: whatever happens next, it is not outside it.
  bands.delete(envelope.eventId);
  if (!recorded) {
    report.eventsLeftToQueue++;
    return;
  }
  // The tenant's active model for the kind, as the worker would have used (a model change since is re-decided here).
  const model = await storedModels(deps.driver).modelFor(tenant, envelope.record.kind);
  const { applied, outcome } = await applyEvent(deps.driver, envelope, deps.erConfig, model);
  // The entry is in the ledger already: recorded now, also when an earlier replay applied it and died before this.
  if (outcome.ledgerSeq == null) await recordLedgerSeq(deps.driver, tenant, envelope.eventId, recorded.seq);
  if (!applied) {
    report.eventsAlreadyApplied++;
    return;
  }
  report.eventsApplied++;
  if (outcome.band !== recorded.band) report.bandsDiffering++;
}

/**
 * Replays one tenant's journal from `sinceMs` (the backup's start, less the clock skew between writers).
 * @example
 * const report = await replayJournal(deps, 'acme', Date.parse(manifest.startedAt) - 5_000);
 */
export async function replayJournal(
  deps: ReplayDeps,
  tenant: string,
  sinceMs: number,
  eventLookbackMs = defaultEventLookbackMs,
): Promise<ReplayReport> {
  const report: ReplayReport = {
    tenant,
    sinceMs,
    graphqlWrites: 0,
    graphqlAlreadyApplied: 0,
    graphqlRefused: 0,
    graphqlAborted: 0,
    graphqlUnchanged: 0,
    graphqlInDoubt: 0,
    inDoubtSkipped: [],
    eventsApplied: 0,
    eventsAlreadyApplied: 0,
    eventsLeftToQueue: 0,
    bandsDiffering: 0,
    eventsOutsideWindow: 0,
  };
  const index = await ledgerIndex(deps.ledger, tenant);
  const entries: JournalEntry[] = [];
  for await (const entry of deps.journal.read(tenant, sinceMs - eventLookbackMs)) entries.push(entry);
  const plan = planReplay(entries, sinceMs, index.reviews);
  report.graphqlAborted = plan.aborted;
  report.graphqlUnchanged = plan.unchanged;
  report.graphqlInDoubt = plan.inDoubt;
  report.inDoubtSkipped = plan.inDoubtSkipped;
  for (const planned of plan.planned) await replayEntry(deps, planned, report, index);
  for (const left of index.bands.values()) if (left.at >= sinceMs) report.eventsOutsideWindow++;
  return report;
}

/**
 * The tenants to replay after a restore: the backup's own and every tenant the journal lists — one created after the
 * backup has nothing in it, and only the journal knows it.
 * @example
 * const tenants = await tenantsToReplay(journal, manifest.tenants.map((t) => t.tenant));
 * await Promise.all(tenants.map((t) => replayJournal(deps, t, Date.parse(manifest.startedAt))));
 */
export async function tenantsToReplay(journal: WriteJournal, backupTenants: readonly string[]): Promise<string[]> {
  const tenants = new Set(backupTenants);
  for await (const tenant of journal.tenants()) tenants.add(tenant);
  return [...tenants].sort();
}
