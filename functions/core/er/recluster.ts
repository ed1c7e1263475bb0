/**
 * Re-clustering a tenant after a model change: `npm run er:recluster -- --tenant t [--dry-run]`. Plans from a
 * snapshot of the tenant's records (tenant-records.ts) with the tenant's active model, then applies the plan as
 * ordinary, reversible graph operations, each in its own transaction and audited:
 * 1. split: an automatic merge whose merged record no longer reaches MID with any other record of its entity is
 *    undone (merges people made are never undone here);
 * 2. merge: entities with a pair of records at HIGH become one (the one with more records survives);
 * Pairs a reviewer rejected (ErNotSame) are kept apart: never merged, never proposed for review again.
 * 3. review: an open review candidate whose entities merged, or whose best pair fell below MID, is closed; a pair of
 *    entities whose best pair is MID and which has no open candidate gets one.
 * Blocking is the pipeline's (blocking.ts), in memory; a key shared by more than `maxBlock` records is left out.
 */
import { createHash } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import type { AuditLedger } from '../audit/types.js';
import { mergeEntitiesTx, unmergeTx } from '../graph/merge.js';
import { epochMs } from '../graph/model.js';
import { parseTenant } from '../graph/validation.js';
import type { WriteJournal } from '../journal/types.js';
import { erActor } from './apply.js';
import { blockingQuery } from './blocking.js';
import { closeReviewCypher, upsertReclusterReviewCypher } from './cypher.js';
import { type FsScore, type MatchModel, score } from './model/model.js';
import { comparableOfStored } from './records.js';
import { publishQuietly, type ReviewEventBus } from './review/events.js';
import { apartTest } from './review/not-same.js';
import type { TenantSnapshot } from './tenant-records.js';

export interface PlannedSplit {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  /** The merged record's best probability against the rest of its entity. */
  probability: number;
}

export interface PlannedMerge {
  survivorId: string;
  mergedId: string;
  probability: number;
  /** The two records whose pair reached HIGH. */
  pair: [string, string];
}

export interface PlannedReview {
  entityId: string;
  candidateId: string;
  probability: number;
  explanation: FsScore;
}

export interface PlannedClose {
  id: string;
  status: 'MERGED' | 'SUPERSEDED';
  probability: number | null;
}

export interface ReclusterPlan {
  modelVersion: string;
  splits: PlannedSplit[];
  merges: PlannedMerge[];
  reviews: PlannedReview[];
  closes: PlannedClose[];
  stats: { records: number; entitiesBefore: number; entitiesAfter: number; pairsScored: number; skippedKeys: number };
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root)) root = this.parent.get(root)!;
    return root;
  }
  /** Makes `child`'s root point at `survivor`'s root. */
  attach(child: string, survivor: string): void {
    const a = this.find(child);
    const b = this.find(survivor);
    if (a !== b) this.parent.set(a, b);
  }
}

/** Plans a re-cluster of the snapshot under `model` (pure: reads nothing, writes nothing). */
export function planRecluster(
  snapshot: TenantSnapshot,
  model: MatchModel,
  options: { maxBlock?: number } = {},
): ReclusterPlan {
  const { maxBlock = 300 } = options;
  const records = snapshot.records;
  const byId = new Map(records.map((r) => [r.id, r]));
  const comparable = new Map(records.map((r) => [r.id, comparableOfStored(r.record)]));
  let pairsScored = 0;
  const pairScore = (a: string, b: string) => {
    pairsScored++;
    return score(model, comparable.get(a)!, comparable.get(b)!);
  };

  // The entities as they are: each record's live root.
  const current = new UnionFind();
  for (const r of records) if (r.mergedInto && byId.has(r.mergedInto)) current.attach(r.id, r.mergedInto);
  const membersOf = (uf: UnionFind) => {
    const out = new Map<string, string[]>();
    for (const r of records) push(out, uf.find(r.id), r.id);
    return out;
  };
  const before = membersOf(current);

  // 1. Splits: automatic merges none of whose merged records (the merged entity's own and those it had absorbed)
  //    reaches MID with any other record of the entity.
  const children = new Map<string, string[]>();
  for (const r of records) if (r.mergedInto) push(children, r.mergedInto, r.id);
  const subtree = (id: string): Set<string> => {
    const out = new Set<string>([id]);
    for (const x of out) for (const c of children.get(x) ?? []) out.add(c);
    return out;
  };
  const splits: PlannedSplit[] = [];
  for (const m of snapshot.merges) {
    if (m.actor !== erActor || !byId.has(m.mergedId)) continue;
    const own = subtree(m.mergedId);
    const others = (before.get(current.find(m.mergedId)) ?? []).filter((id) => !own.has(id));
    let best = 0;
    for (const a of own) {
      for (const o of others) best = Math.max(best, pairScore(a, o).probability);
      if (best >= model.bands.mid) break;
    }
    if (best < model.bands.mid) splits.push({ ...pick(m), probability: best });
  }
  const split = new Set(splits.map((s) => s.mergedId));
  const after = new UnionFind();
  for (const r of records) {
    if (r.mergedInto && byId.has(r.mergedInto) && !split.has(r.id)) after.attach(r.id, r.mergedInto);
  }

  // 2. Merges: the best pair of records between two entities, over the pairs blocking finds.
  const blocks = new Map<string, string[]>();
  for (const r of records) {
    const q = blockingQuery(r.record, { postcode: r.record.addresses[0]?.postcode ?? undefined });
    const keys = [...q.tokens.map((t) => `t:${t}`), ...q.identifiers.map((i) => `i:${i}`), ...q.keys];
    for (const k of new Set(keys)) push(blocks, `${r.kind}|${k}`, r.id);
  }
  let skippedKeys = 0;
  const best = new Map<string, { a: string; b: string; s: FsScore }>();
  const seen = new Set<string>();
  for (const block of blocks.values()) {
    if (block.length > maxBlock) {
      skippedKeys++;
      continue;
    }
    for (let x = 0; x < block.length; x++) {
      for (let y = x + 1; y < block.length; y++) {
        const [a, b] = [block[x]!, block[y]!].sort() as [string, string];
        if (seen.has(`${a}|${b}`)) continue;
        seen.add(`${a}|${b}`);
        const [ra, rb] = [after.find(a), after.find(b)].sort() as [string, string];
        if (ra === rb) continue;
        const s = pairScore(a, b);
        const key = `${ra}|${rb}`;
        if (s.probability > (best.get(key)?.s.probability ?? -1)) best.set(key, { a, b, s });
      }
    }
  }
  const members = membersOf(after);
  // Rejected by a reviewer: clusters holding the two sides of a not-same pair are never joined or proposed.
  const keptApart = apartTest(snapshot.notSame ?? [], (id) => after.find(id));
  const size = (root: string) => members.get(root)?.length ?? 1;
  const merges: PlannedMerge[] = [];
  const ranked = [...best.values()].sort((p, q) => q.s.probability - p.s.probability);
  for (const { a, b, s } of ranked) {
    if (s.probability < model.bands.high) break;
    const ra = after.find(a);
    const rb = after.find(b);
    if (ra === rb || keptApart(ra, rb)) continue;
    const [survivorId, mergedId] = size(ra) > size(rb) || (size(ra) === size(rb) && ra < rb) ? [ra, rb] : [rb, ra];
    after.attach(mergedId, survivorId);
    members.set(survivorId, [...(members.get(survivorId) ?? [survivorId]), ...(members.get(mergedId) ?? [mergedId])]);
    members.delete(mergedId);
    merges.push({ survivorId, mergedId, probability: s.probability, pair: [a, b] });
  }

  // 3. Reviews: close what the new clustering settled, open what it leaves in doubt.
  const closes: PlannedClose[] = [];
  const stillOpen = new Set<string>();
  const bestBetween = (x: string, y: string) => {
    let top: FsScore | null = null;
    for (const a of members.get(after.find(x)) ?? [x]) {
      for (const b of members.get(after.find(y)) ?? [y]) {
        const s = pairScore(a, b);
        if (!top || s.probability > top.probability) top = s;
      }
    }
    return top;
  };
  for (const review of snapshot.reviews) {
    if (!byId.has(review.entityId) || !byId.has(review.candidateId)) continue;
    const [ra, rb] = [after.find(review.entityId), after.find(review.candidateId)].sort() as [string, string];
    if (ra === rb) {
      closes.push({ id: review.id, status: 'MERGED', probability: null });
      continue;
    }
    const top = bestBetween(ra, rb);
    if (!top || top.probability < model.bands.mid) {
      closes.push({ id: review.id, status: 'SUPERSEDED', probability: top?.probability ?? null });
    } else {
      stillOpen.add(`${ra}|${rb}`);
    }
  }
  const reviews: PlannedReview[] = [];
  for (const { a, b, s } of ranked) {
    if (s.probability < model.bands.mid) break;
    if (s.probability >= model.bands.high) continue;
    const [ra, rb] = [after.find(a), after.find(b)].sort() as [string, string];
    if (ra === rb || stillOpen.has(`${ra}|${rb}`) || keptApart(ra, rb)) continue;
    stillOpen.add(`${ra}|${rb}`);
    reviews.push({ entityId: ra, candidateId: rb, probability: s.probability, explanation: s });
  }

  return {
    modelVersion: model.version,
    splits,
    merges,
    reviews,
    closes,
    stats: {
      records: records.length,
      entitiesBefore: before.size,
      entitiesAfter: members.size,
      pairsScored,
      skippedKeys,
    },
  };
}

/** Appends to the list under `key` in place (building lists by copying would be quadratic in a large block). */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const pick = (m: { mergeId: string; survivorId: string; mergedId: string }) => ({
  mergeId: m.mergeId,
  survivorId: m.survivorId,
  mergedId: m.mergedId,
});

const round = (p: number) => Math.round(p * 1e6) / 1e6;

/** What applying a plan did: ids of the merges and unmerges, and actions skipped because the graph moved meanwhile. */
export interface ReclusterResult {
  split: string[];
  merged: string[];
  reviewsOpened: number;
  reviewsClosed: number;
  skipped: { action: string; id: string; reason: string }[];
}

/**
 * The parameters of a re-cluster's review close or open (`closeReviewCypher`, `upsertReclusterReviewCypher`) from
 * what it journals: both are idempotent (a close matches only an OPEN candidate, an open MERGEs by id), so a journal
 * replay runs them again with the same values.
 */
export function reclusterReviewParams(tenant: string, input: { at: number } & Record<string, unknown>) {
  const { at, ...rest } = input;
  return { tenant, ...rest, now: epochMs(at) };
}

/**
 * Applies a plan: splits, then merges, then reviews, each in its own transaction (an action the graph no longer
 * allows — an entity changed since the snapshot — is skipped and reported). With a ledger, appends one
 * `er.recluster` entry per merge and split; with a journal, journals each applied split as an `unmergeEntity` and each
 * merge as a `mergeEntity` with its merge id and time, and each review candidate it closes or opens
 * (`closeReclusterReview`, `openReclusterReview`); core/journal replays them after a restore.
 */
export async function applyRecluster(
  driver: Driver,
  tenant: string,
  plan: ReclusterPlan,
  options: {
    ledger?: AuditLedger;
    /** The write journal: each applied merge and split is journaled after it commits, before its ledger entry. */
    journal?: WriteJournal;
    /** Evicts cached reads of the entities each merge and split changed (the response cache's entity invalidator). */
    invalidate?: (tenant: string, entityIds: string[]) => Promise<void>;
    onProgress?: (done: number, total: number) => void;
    /** Live review queues: each candidate this run closes (CLOSED) or opens (CREATED) is announced after its commit. */
    reviewEvents?: ReviewEventBus;
    /** A failed announcement (never fails the run: the write has committed). */
    onError?: (what: string, err: unknown) => void;
  } = {},
): Promise<ReclusterResult> {
  const t = parseTenant(tenant);
  const total = plan.splits.length + plan.merges.length + plan.reviews.length + plan.closes.length;
  let done = 0;
  const progress = () => {
    done++;
    if (done % 100 === 0 || done === total) options.onProgress?.(done, total);
  };
  const result: ReclusterResult = { split: [], merged: [], reviewsOpened: 0, reviewsClosed: 0, skipped: [] };
  const write = async <T>(work: Parameters<ReturnType<Driver['session']>['executeWrite']>[0]) => {
    const session = driver.session();
    try {
      return (await session.executeWrite(work)) as T;
    } finally {
      await session.close();
    }
  };
  const announce = (kind: 'CLOSED' | 'CREATED', reviewId: string, status: 'OPEN' | 'MERGED' | 'SUPERSEDED') =>
    publishQuietly(options.reviewEvents, [{ tenant: t, kind, reviewId, status, committedAt: Date.now() }], (err) =>
      options.onError?.('review event', err),
    );
  const audit = async (action: string, data: Record<string, unknown>) => {
    await options.ledger?.append(t, {
      kind: 'er.recluster',
      actor: erActor,
      subject: String(data.mergeId),
      data: { action, modelVersion: plan.modelVersion, ...data },
    });
  };
  for (const s of plan.splits) {
    let undone: { touched: string[] };
    const unmerge = { mergeId: s.mergeId, actor: erActor, at: Date.now() };
    try {
      undone = await write<{ touched: string[] }>((tx) => unmergeTx(tx, t, unmerge));
    } catch (err) {
      result.skipped.push({ action: 'split', id: s.mergeId, reason: (err as Error).message });
      progress();
      continue;
    }
    result.split.push(s.mergeId);
    await options.journal?.append(t, [{ kind: 'graphql', operation: 'unmergeEntity', input: { ...unmerge } }]);
    await options.invalidate?.(t, undone.touched);
    // Done in the graph: a failed audit append is an error of the run, not a skipped action.
    await audit('split', { ...s, probability: round(s.probability) });
    progress();
  }
  for (const m of plan.merges) {
    let merged: { mergeId: string; touched: string[] };
    const merge = {
      survivorId: m.survivorId,
      mergedId: m.mergedId,
      reason: `er recluster: records ${m.pair.join(' ~ ')} at ${round(m.probability)} model ${plan.modelVersion}`,
      actor: erActor,
      at: Date.now(),
    };
    try {
      merged = await write<{ mergeId: string; touched: string[] }>((tx) => mergeEntitiesTx(tx, t, merge));
    } catch (err) {
      result.skipped.push({ action: 'merge', id: `${m.survivorId}<-${m.mergedId}`, reason: (err as Error).message });
      progress();
      continue;
    }
    result.merged.push(merged.mergeId);
    await options.journal?.append(t, [
      { kind: 'graphql', operation: 'mergeEntity', input: { ...merge, mergeId: merged.mergeId } },
    ]);
    await options.invalidate?.(t, merged.touched);
    await audit('merge', { ...m, mergeId: merged.mergeId, probability: round(m.probability) });
    progress();
  }
  for (const c of plan.closes) {
    const close = { id: c.id, status: c.status, actor: erActor, modelVersion: plan.modelVersion, at: Date.now() };
    // The close matches only an OPEN candidate: a reviewer's decision since the plan leaves it as it is (no event).
    const closed = await write<number>(
      async (tx) =>
        (await tx.run(closeReviewCypher.cypher, reclusterReviewParams(t, close))).summary.counters.updates()
          .propertiesSet,
    );
    await options.journal?.append(t, [{ kind: 'graphql', operation: 'closeReclusterReview', input: { ...close } }]);
    if (closed > 0) await announce('CLOSED', c.id, c.status);
    result.reviewsClosed++;
    progress();
  }
  for (const r of plan.reviews) {
    const id = `rv-${createHash('sha256').update(`${r.entityId}|${r.candidateId}|${plan.modelVersion}`).digest('base64url').slice(0, 22)}`;
    const open = {
      id,
      entityId: r.entityId,
      candidateId: r.candidateId,
      score: round(r.probability),
      explanation: JSON.stringify(r.explanation),
      modelVersion: plan.modelVersion,
      at: Date.now(),
    };
    const created = await write<number>(
      async (tx) =>
        (await tx.run(upsertReclusterReviewCypher.cypher, reclusterReviewParams(t, open))).summary.counters.updates()
          .nodesCreated,
    );
    await options.journal?.append(t, [{ kind: 'graphql', operation: 'openReclusterReview', input: { ...open } }]);
    if (created > 0) await announce('CREATED', id, 'OPEN');
    result.reviewsOpened++;
    progress();
  }
  return result;
}
