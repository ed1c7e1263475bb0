/**
 * The per-event graph effect, exactly once: one `executeWrite` (shared by a group of events) that locks the events'
 * blocking stripes and records each (tenant, eventId) as applied, reads their candidates, then per event scores, bands
 * and writes, and last writes the group's decisions. A redelivery after a crash finds the marker and changes nothing,
 * because the marker commits or rolls back together with the effect; a different record under an applied event id is
 * refused (CONFLICTING_PAYLOAD) by the record hash the marker keeps.
 */
import { createHash } from 'node:crypto';
import { doubleMetaphone } from 'double-metaphone';
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { GraphError } from '../graph/errors.js';
import { mergeEntitiesTx } from '../graph/merge.js';
import { sourceKey } from '../graph/merge-props.js';
import { type EntityCore, epochMs, toNumber } from '../graph/model.js';
import { nameTokens } from '../graph/name-tokens.js';
import { parseTenant } from '../graph/validation.js';
import { payloadHash } from '../idempotency/events.js';
import { canonicalJson } from '../json/canonical.js';
import { currentTraceId } from '../telemetry/propagation.js';
import { lockAndMarkEventsTx, type MarkResult } from './applied-marker.js';
import {
  type BlockingCandidate,
  type BlockingQuery,
  blockingCandidatesOfTx,
  blockingQuery,
  blockingTerms,
  liveCandidatesTx,
  rejectedForSourcesTx,
} from './blocking.js';
import type { Band, ErConfig } from './config.js';
import { createDecisionsCypher, createReviewCandidateCypher, getDecisionCypher } from './cypher.js';
import { ConflictingPayloadError, DependencyFailedError } from './errors.js';
import { GroupWrites } from './group-writes.js';
import type { FsScore, MatchModel } from './model/model.js';
import type { ModelSource } from './model-store.js';
import { type NormalisedRecord, normaliseRecord } from './normalise.js';
import { type BandEntry, bandEntry, type EffectOutcome, erActor } from './outcome.js';
import { storedRecordOf } from './records.js';
import type { Envelope } from './schemas.js';
import { type Candidate, comparableOfRecord, type Decision, decide } from './score.js';

export { type BandEntry, bandEntry, type EffectOutcome, erActor } from './outcome.js';

/** Deterministic ids from the event id: a retried transaction creates the same entity, never a second one. */
export const entityIdFor = (eventId: string) => `er-${digest(eventId)}`;
export const reviewIdFor = (eventId: string) => `rv-${digest(eventId)}`;
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** A stored decision and its outbox entry (null on a decision written before decisions kept one). */
async function readDecision(
  tx: ManagedTransaction,
  tenant: string,
  eventId: string,
): Promise<{ outcome: EffectOutcome; entry: BandEntry | null } | null> {
  const row = (await tx.run(getDecisionCypher.cypher, { tenant, eventId })).records[0];
  if (!row) return null;
  const d = row.get('decision') as Record<string, unknown>;
  const entry =
    typeof d.ledgerData === 'string'
      ? {
          kind: 'er.band' as const,
          actor: erActor,
          subject: eventId,
          data: JSON.parse(d.ledgerData) as Record<string, unknown>,
          ...(typeof d.ledgerTraceId === 'string' ? { traceId: d.ledgerTraceId } : {}),
        }
      : null;
  const outcome: EffectOutcome = {
    eventId,
    band: d.band as Band,
    score: Number(d.score),
    entityId: String(d.entityId),
    candidateId: (d.candidateId as string | null) ?? null,
    mergeId: (d.mergeId as string | null) ?? null,
    reviewId: (d.reviewId as string | null) ?? null,
    repairMergeIds: (d.repairMergeIds as string[] | null) ?? [],
    // A redelivery evicts again what the merge changed (the first delivery may have died before it did).
    touched: d.mergeId ? [String(d.candidateId), String(d.entityId)] : [],
    explanation: JSON.parse(String(d.explanation)) as FsScore | null,
    modelVersion: String(d.modelVersion),
    ledgerSeq: d.ledgerSeq == null ? null : toNumber(d.ledgerSeq),
  };
  return { outcome, entry };
}

/**
 * Writes the entity and the band's effect for a decision already made; the decision node itself is written with the
 * group's others ({@link decisionRow}). The entity write and a review candidate are held or sent unanswered
 * ({@link GroupWrites}); a merge first waits for them (it reads the entities it merges). Gives the entity as stored
 * (null if unknown without a read).
 */
async function writeEffect(
  tx: ManagedTransaction,
  writes: GroupWrites,
  envelope: Envelope,
  n: NormalisedRecord,
  blocking: BlockingQuery,
  decision: Decision,
): Promise<{ outcome: EffectOutcome; written: EntityCore | null }> {
  const { tenant, eventId, record } = envelope;
  const entityId = entityIdFor(eventId);
  const written = writes.upsert(
    tenant,
    {
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
    },
    { er: { blockKeys: blocking.keys, record: JSON.stringify(storedRecordOf(n, record.attributes)) } },
  );
  let mergeId: string | null = null;
  let reviewId: string | null = null;
  const repairMergeIds: string[] = [];
  const explanation = JSON.stringify(decision.explanation);
  const score = round(decision.probability);
  if (decision.band === 'HIGH' && decision.candidateId) {
    const reason = `er ${decision.band} ${score} event ${eventId} model ${decision.modelVersion}`;
    await writes.flush(tenant);
    const merged = await mergeEntitiesTx(tx, tenant, {
      survivorId: decision.candidateId,
      mergedId: entityId,
      reason,
      actor: erActor,
    });
    mergeId = merged.mergeId;
    // Cluster repair: the record is the same as each of these, so they are one entity too. Reversible like any merge
    // (unmerge by its id); each repair names the event and the pair's probability.
    for (const other of decision.alsoHigh) {
      const repaired = await mergeEntitiesTx(tx, tenant, {
        survivorId: decision.candidateId,
        mergedId: other.candidateId,
        reason: `er repair: event ${eventId} matched both at ${round(other.score.probability)} model ${decision.modelVersion}`,
        actor: erActor,
      });
      repairMergeIds.push(repaired.mergeId);
    }
  } else if (decision.band === 'MID' && decision.candidateId) {
    reviewId = reviewIdFor(eventId);
    writes.run(createReviewCandidateCypher.cypher, {
      tenant,
      id: reviewId,
      eventId,
      entityId,
      candidateId: decision.candidateId,
      score,
      explanation,
      now: epochMs(),
    });
  }
  const outcome: EffectOutcome = {
    eventId,
    entityId,
    mergeId,
    reviewId,
    repairMergeIds,
    touched: mergeId ? [decision.candidateId!, entityId, ...decision.alsoHigh.map((s) => s.candidateId)] : [],
    ledgerSeq: null,
    band: decision.band,
    score,
    candidateId: decision.candidateId,
    explanation: decision.explanation,
    modelVersion: decision.modelVersion,
  };
  return { outcome, written };
}

const round = (p: number) => Math.round(p * 1e6) / 1e6;

/** The ErDecision of an applied event as a row of {@link createDecisionsCypher}, with its outbox entry. */
function decisionRow({ touched: _, ledgerSeq: __, explanation, ...decision }: EffectOutcome, entry: BandEntry) {
  return {
    ...decision,
    explanation: JSON.stringify(explanation),
    ledgerData: canonicalJson(entry.data),
    ledgerTraceId: entry.traceId ?? null,
  };
}

/** Lock stripes per tenant: 65,536, so unrelated events rarely wait on each other and the lock nodes stay few. */
const stripeBits = 16;

/**
 * The sorted lock stripes of an event (see {@link lockAndMarkEventsTx}): its identifiers and identifier halves, full
 * dates, postcode; its whole name (the sorted tokens of each name) and how it sounds (the sorted Double Metaphone
 * codes of each name); and the sound of each name word with each year of birth (or other date). Not a name word or
 * its sound alone: every event with a common first name would wait for every other. Two records that share none of
 * these differ in name, sound, identifier, date and address at once, which no model scores HIGH.
 */
export function lockStripes(query: BlockingQuery, names: readonly string[] = []): number[] {
  // A word's primary code; a number (which Double Metaphone drops) stays as it is: "Unit 7" is not "Unit 9".
  const phonetic = (tokens: readonly string[]) =>
    tokens.flatMap((t) => (/^\p{N}+$/u.test(t) ? [t] : doubleMetaphone(t)[0] || []));
  const years = query.keys.filter((k) => k.startsWith('date:')).map((k) => k.slice(k.lastIndexOf(':') + 1, -6));
  const keys = [
    ...query.identifiers.map((i) => `i:${i}`),
    ...query.keys.filter((k) => !k.startsWith('dm:')).map((k) => `k:${k}`),
    ...names.flatMap((n) => {
      const tokens = [...new Set(nameTokens([n]))].sort();
      return [`n:${tokens.join(' ')}`, `p:${[...new Set(phonetic(tokens))].sort().join(' ')}`];
    }),
    ...[...new Set(years)].flatMap((y) => [...new Set(phonetic(query.tokens))].map((code) => `y:${code}|${y}`)),
  ];
  const stripes = keys.map((k) => createHash('sha256').update(k).digest().readUInt32BE(0) >>> (32 - stripeBits));
  return [...new Set(stripes)].sort((a, b) => a - b);
}

/**
 * An event's record as the effect reads it: normalised, its blocking query, its lock stripes and its hash (the one the
 * idempotency key stores, kept on the applied-event marker), computed once.
 */
interface PreparedEvent {
  envelope: Envelope;
  n: NormalisedRecord;
  blocking: BlockingQuery;
  stripes: number[];
  recordHash: string;
}

function prepare(envelope: Envelope): PreparedEvent {
  const n = normaliseRecord(envelope.record);
  const blocking = blockingQuery(n, envelope.record.attributes);
  return { envelope, n, blocking, stripes: lockStripes(blocking, n.names), recordHash: payloadHash(envelope.record) };
}

/** What the effect did with one event: applied it now (`applied`) or before (its stored decision). */
export interface EffectResult {
  applied: boolean;
  outcome: EffectOutcome;
  /** The decision's `er.band` entry as its outbox holds it; null for a decision written before decisions kept one. */
  entry: BandEntry | null;
}

/**
 * The blocking candidates of a group's events, read from committed data in one read transaction of its own, once the
 * group's write transaction holds every stripe of the group (so any transaction writing an entity these events would
 * block on has committed, and is seen). Not inside the write transaction: there, a full-text query after the
 * transaction's first write first rebuilds an in-memory index of everything the transaction changed, and that
 * rebuild was most of an event's Neo4j time. What the group itself writes is added by {@link GroupChanges}.
 */
async function readCandidates(
  driver: Driver,
  events: readonly PreparedEvent[],
  config: ErConfig,
): Promise<GroupRead[]> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    // One transaction, two statements per tenant, the tenants' pipelined (sent without waiting for each other's
    // answers): which entities reviewers rejected against the events' sources, then every event's candidates.
    return await session.executeRead(async (tx) => {
      const out: GroupRead[] = [];
      const tenants = [...new Set(events.map((e) => e.envelope.tenant))];
      await Promise.all(
        tenants.map(async (tenant) => {
          const mine = [...events.keys()].filter((i) => events[i]!.envelope.tenant === tenant);
          const sourceOf = (i: number) => sourceKey(events[i]!.envelope.record.source);
          const rejectedBy = await rejectedForSourcesTx(tx, tenant, mine.map(sourceOf));
          const rejected = mine.map((i) => rejectedBy.get(sourceOf(i)) ?? []);
          const found = await blockingCandidatesOfTx(
            tx,
            tenant,
            mine.map((i, k) => ({ ...events[i]!.blocking, rejected: rejected[k]! })),
            config.candidateLimit,
          );
          for (const [k, i] of mine.entries()) out[i] = { candidates: found[k]!, rejected: rejected[k]! };
        }),
      );
      return out;
    });
  } finally {
    await session.close();
  }
}

/** An event's blocking candidates as read from committed data, and the entities rejected against its source. */
interface GroupRead {
  candidates: BlockingCandidate[];
  rejected: string[];
}

/** The full-text terms of a blocking query or of an entity ER wrote, as `field:value`. */
const termsOf = (query: Partial<BlockingQuery>) => blockingTerms(query).map(([field, value]) => `${field}:${value}`);

/**
 * What a group's earlier events wrote, so a later event of the group blocks as if its candidates were read inside the
 * group's transaction: the entities the group created (matched on the terms the full-text index holds for them),
 * merges it made (a candidate merged away stands for its survivor), and which entities it changed (read again inside
 * the transaction, after `beforeRead` sent the tenant's writes held so far; the others are as the group's read found
 * them). An entity the group wrote whole and did not change after is not read again: it is what was written.
 */
class GroupChanges {
  private readonly created: { tenant: string; id: string; terms: ReadonlySet<string> }[] = [];
  private readonly survivorOf = new Map<string, string>();
  private readonly changed = new Set<string>();
  /** Entities as the group wrote them (as a read of them would give them back), while unchanged since. */
  private readonly written = new Map<string, Candidate>();

  constructor(private readonly beforeRead: (tenant: string) => Promise<void>) {}

  /** The candidates of `event`: the group's own matching entities first, then the read's, at most the limit. */
  async candidates(
    tx: ManagedTransaction,
    { envelope, blocking }: PreparedEvent,
    { candidates: read, rejected }: GroupRead,
    limit: number,
  ): Promise<Candidate[]> {
    const { tenant } = envelope;
    if (this.created.length === 0 && this.changed.size === 0) return read.map((c) => c.entity);
    const terms = termsOf(blocking);
    const ids: string[] = [];
    const add = (id: string) => {
      const live = this.liveOf(tenant, id);
      if (!ids.includes(live)) ids.push(live);
    };
    for (const c of this.created) {
      if (c.tenant === tenant && !rejected.includes(c.id) && terms.some((t) => c.terms.has(t))) add(c.id);
    }
    for (const c of read) add(c.entity.id);
    const chosen = ids.slice(0, limit);
    const stale = chosen.filter((id) => this.changed.has(`${tenant}|${id}`));
    if (stale.length > 0) await this.beforeRead(tenant);
    const fresh = new Map((await liveCandidatesTx(tx, tenant, stale, rejected)).map((c) => [c.id, c]));
    const asRead = new Map(read.map((c) => [c.entity.id, c.entity]));
    return chosen.flatMap((id) => {
      const key = `${tenant}|${id}`;
      const c = this.changed.has(key) ? fresh.get(id) : (this.written.get(key) ?? asRead.get(id));
      return c && !rejected.includes(c.id) ? [c] : [];
    });
  }

  /** Records what an applied event wrote: its entity as written (`entity`, null when only a read would tell). */
  record({ envelope, n, blocking }: PreparedEvent, outcome: EffectOutcome, entity: Candidate | null): void {
    const { tenant } = envelope;
    this.created.push({
      tenant,
      id: outcome.entityId,
      terms: new Set(termsOf({ tokens: n.tokens, identifiers: n.identifiers, keys: blocking.keys })),
    });
    if (entity) this.written.set(`${tenant}|${outcome.entityId}`, entity);
    else this.changed.add(`${tenant}|${outcome.entityId}`);
    if (outcome.mergeId && outcome.candidateId) {
      this.changed.add(`${tenant}|${outcome.candidateId}`);
      for (const id of outcome.touched) {
        if (id !== outcome.candidateId) this.survivorOf.set(`${tenant}|${id}`, outcome.candidateId);
      }
    }
  }

  /** The entity an id now stands for: itself, or the survivor the group merged it into (followed to the end). */
  private liveOf(tenant: string, id: string): string {
    let live = id;
    for (let hops = 0; hops <= this.survivorOf.size; hops++) {
      const next = this.survivorOf.get(`${tenant}|${live}`);
      if (next === undefined) return live;
      live = next;
    }
    return live;
  }
}

/**
 * The effect of a group of events (one or more) as a transaction function: every stripe of the group first, tenant by
 * tenant in sorted order (a transaction that took some stripes never waits for another that waits for it), each
 * tenant's markers in the same statement; then the group's candidates read from committed data
 * ({@link readCandidates}); then each event in order: if it was applied before (an earlier transaction, or an earlier
 * copy in this group), its decision comes back with `applied: false` and nothing is written; if it was applied with
 * another record, it is refused with CONFLICTING_PAYLOAD (settled, not thrown: the rest of the group commits). Events
 * see each other's writes ({@link GroupChanges}): a duplicate record inside the group is blocked like one committed
 * before it. The entities are written one statement per tenant ({@link GroupWrites}: when a merge or a re-read in
 * the tenant needs them, else at the end), and the decisions go last, one statement per tenant.
 */
async function applyGroupTx(
  tx: ManagedTransaction,
  driver: Driver,
  events: readonly { prepared: PreparedEvent; model: MatchModel; traceId: string | undefined }[],
  config: ErConfig,
): Promise<PromiseSettledResult<EffectResult>[]> {
  const byTenant = new Map<string, number[]>();
  for (const [i, e] of events.entries()) {
    byTenant.set(e.prepared.envelope.tenant, [...(byTenant.get(e.prepared.envelope.tenant) ?? []), i]);
  }
  const marks: MarkResult[] = [];
  for (const tenant of [...byTenant.keys()].sort()) {
    const mine = byTenant.get(tenant)!;
    const stripes = [...new Set(mine.flatMap((i) => events[i]!.prepared.stripes))].sort((a, b) => a - b);
    const marked = await lockAndMarkEventsTx(
      tx,
      tenant,
      stripes,
      mine.map((i) => ({ eventId: events[i]!.prepared.envelope.eventId, recordHash: events[i]!.prepared.recordHash })),
    );
    for (const [k, i] of mine.entries()) marks[i] = marked[k]!;
  }
  const read = await readCandidates(
    driver,
    events.map((e) => e.prepared),
    config,
  );
  const writes = new GroupWrites(tx);
  try {
    return await applyEventsInOrderTx(tx, events, config, marks, read, writes);
  } catch (error) {
    // A statement sent unanswered that failed (a transient error the driver would retry) fails every statement after
    // it with a codeless "transaction rolled back": rethrow the first cause, so the driver sees what it can retry.
    throw writes.firstError ?? error;
  }
}

/** The per-event part of {@link applyGroupTx}: each event in order, its effect written through `writes`. */
async function applyEventsInOrderTx(
  tx: ManagedTransaction,
  events: readonly { prepared: PreparedEvent; model: MatchModel; traceId: string | undefined }[],
  config: ErConfig,
  marks: MarkResult[],
  read: GroupRead[],
  writes: GroupWrites,
): Promise<PromiseSettledResult<EffectResult>[]> {
  const changes = new GroupChanges((tenant) => writes.flush(tenant));
  const appliedHere = new Map<string, { outcome: EffectOutcome; entry: BandEntry }>();
  const decisions = new Map<string, ReturnType<typeof decisionRow>[]>();
  const out: PromiseSettledResult<EffectResult>[] = [];
  for (const [i, { prepared, model, traceId }] of events.entries()) {
    const { envelope, n } = prepared;
    const key = `${envelope.tenant}|${envelope.eventId}`;
    if (marks[i] === 'conflict') {
      const cause = new Error(`record hash ${prepared.recordHash} differs from the applied event's`);
      out.push({ status: 'rejected', reason: new ConflictingPayloadError(envelope.eventId, { cause }) });
      continue;
    }
    if (marks[i] === 'applied') {
      // Applied before: by an earlier transaction (its decision is stored) or earlier in this group.
      const earlier = appliedHere.get(key);
      const stored = earlier
        ? { outcome: { ...earlier.outcome }, entry: earlier.entry }
        : await readDecision(tx, envelope.tenant, envelope.eventId);
      if (!stored) throw new DependencyFailedError(`decision of applied event ${envelope.eventId} is missing`);
      out.push({ status: 'fulfilled', value: { applied: false, ...stored } });
      continue;
    }
    // Without the entities a reviewer said are not the same as this record: never merged with or proposed again.
    const candidates = await changes.candidates(tx, prepared, read[i]!, config.candidateLimit);
    const decision = decide(comparableOfRecord(n, envelope.record.attributes), n.kind, candidates, model);
    const { outcome, written } = await writeEffect(tx, writes, envelope, n, prepared.blocking, decision);
    changes.record(prepared, outcome, written);
    const entry = bandEntry(envelope, outcome, traceId);
    appliedHere.set(key, { outcome, entry });
    const rows = decisions.get(envelope.tenant) ?? [];
    rows.push(decisionRow(outcome, entry));
    decisions.set(envelope.tenant, rows);
    out.push({ status: 'fulfilled', value: { applied: true, outcome, entry } });
  }
  writes.sendUpserts();
  for (const [tenant, rows] of decisions) {
    writes.run(createDecisionsCypher.cypher, { tenant: parseTenant(tenant), rows, now: epochMs() });
  }
  await writes.flush();
  return out;
}

/**
 * Applies one event in one write transaction. A merge that loses a race with a concurrent merge of the same
 * candidate (graph CONFLICT) is decided again from fresh candidates, up to `attempts` times. The decision's ledger
 * entry carries `traceId` (default: the active trace's).
 */
export async function applyEvent(
  driver: Driver,
  envelope: Envelope,
  config: ErConfig,
  model: MatchModel,
  { traceId = currentTraceId(), attempts = 3 }: { traceId?: string | undefined; attempts?: number } = {},
): Promise<EffectResult> {
  const prepared = prepare(envelope);
  for (let attempt = 1; ; attempt++) {
    const session = driver.session();
    let settled: PromiseSettledResult<EffectResult>;
    try {
      const [result] = await session.executeWrite((tx) =>
        applyGroupTx(tx, driver, [{ prepared, model, traceId }], config),
      );
      settled = result!;
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
    // The event's own refusal (CONFLICTING_PAYLOAD) keeps its code: it is poison, not a graph failure to retry.
    if (settled.status === 'rejected') throw settled.reason;
    return settled.value;
  }
}

/** One event of a grouped write: its envelope and the trace its ledger entry names (its own, not the group's). */
export interface EventWork {
  envelope: Envelope;
  traceId?: string | undefined;
}

/**
 * Applies several events in one write transaction, each exactly as {@link applyEvent} (its marker commits with its
 * effect), so the group pays one commit. If the group fails (a merge CONFLICT, an invalid record), the events are
 * applied again one by one in order with {@link applyEvent}, so one bad event fails only itself.
 */
export async function applyEvents(
  driver: Driver,
  work: readonly EventWork[],
  config: ErConfig,
  models: ModelSource,
): Promise<PromiseSettledResult<EffectResult>[]> {
  const keyOf = (w: EventWork) => `${w.envelope.tenant}|${w.envelope.record.kind}`;
  const modelOf = new Map(
    await Promise.all(
      [...new Map(work.map((w) => [keyOf(w), w])).values()].map(
        async (w) => [keyOf(w), await models.modelFor(w.envelope.tenant, w.envelope.record.kind)] as const,
      ),
    ),
  );
  const model = (w: EventWork) => modelOf.get(keyOf(w))!;
  if (work.length > 1) {
    const session = driver.session();
    try {
      const events = work.map((w) => ({ prepared: prepare(w.envelope), model: model(w), traceId: w.traceId }));
      return await session.executeWrite((tx) => applyGroupTx(tx, driver, events, config));
    } catch {
      // Fall through: the group rolled back as a whole; each event now gets its own transaction and its own error.
    } finally {
      await session.close();
    }
  }
  // One by one and in order, so an event still sees the ones before it, as it would have in the group.
  const settled: PromiseSettledResult<EffectResult>[] = [];
  for (const w of work) {
    try {
      settled.push({
        status: 'fulfilled',
        value: await applyEvent(driver, w.envelope, config, model(w), { traceId: w.traceId }),
      });
    } catch (reason) {
      settled.push({ status: 'rejected', reason });
    }
  }
  return settled;
}
