/**
 * Merge and unmerge as transaction functions. A merge hides the merged entity (`mergedInto`), recreates its
 * relationships on the survivor (`movedBy = mergeId`) and stores in a `:MergeRecord` everything an unmerge needs to put
 * both entities and every relationship back exactly: the survivor before and after, the merged entity, and each
 * moved or removed relationship with its original endpoints and properties (integers tagged, see model.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { allRelTypes } from './cypher/reads.js';
import {
  createMergeRecordCypher,
  createRelsCypher,
  deleteRelsCypher,
  entityRelsCypher,
  lockEntitiesCypher,
  lockMergeRecordCypher,
  markMergedCypher,
  markUndoneCypher,
  mergeSubjectsCypher,
  movedCopiesCypher,
  setEntityPropsCypher,
} from './cypher/writes.js';
import { ConflictError, NotFoundError } from './errors.js';
import { mergedSurvivorProps, restoredSurvivorProps } from './merge-props.js';
import { decodeProps, encodeProps, epochMs, type Props, type TaggedPairs, toEntity, toNumber } from './model.js';
import type { DataClass, MergeEntityInput, MergeResult, RelType, UnmergeResult, WriteGuard } from './types.js';
import { mergeInputSchema, parseInput, parseTenant, unmergeInputSchema } from './validation.js';

/** A relationship as a snapshot keeps it: type, original endpoints, tagged properties. */
export interface SnapshotRel {
  type: RelType;
  from: string;
  to: string;
  props: Props;
}

/** What a `:MergeRecord` stores in `snapshot` (JSON). */
export interface MergeSnapshot {
  version: 1;
  survivorBefore: Props;
  survivorAfter: Props;
  merged: Props;
  /** Relationships recreated on the survivor. */
  moved: SnapshotRel[];
  /** Relationships between survivor and merged entity (they would become self-loops), deleted. */
  removed: SnapshotRel[];
}

/** A merge/unmerge result plus every entity id whose reads changed (for cache invalidation). */
export type WithTouched<T> = T & { touched: string[] };

async function lockAndLoad(tx: ManagedTransaction, tenant: string, survivorId: string, mergedId: string) {
  await tx.run(lockEntitiesCypher.cypher, { tenant, ids: [survivorId, mergedId] });
  const record = (await tx.run(mergeSubjectsCypher.cypher, { tenant, survivorId, mergedId })).records[0];
  const pairs = (key: string) => record?.get(key) as TaggedPairs | null;
  const s = pairs('survivor');
  const m = pairs('merged');
  return { survivor: s ? encodeProps(s) : null, merged: m ? encodeProps(m) : null };
}

/** `props` when the guard lets the caller see its class (always without a guard), else null: hidden reads as absent. */
function seen(props: Props | null, guard: WriteGuard | undefined): Props | null {
  return props && (!guard || guard.visible(props.dataClass as DataClass)) ? props : null;
}

/** Recreates relationships grouped by type (one static template per type); fails if an endpoint has vanished. */
async function createRels(tx: ManagedTransaction, tenant: string, rels: SnapshotRel[]): Promise<void> {
  const byType = new Map<RelType, SnapshotRel[]>();
  for (const rel of rels) byType.set(rel.type, [...(byType.get(rel.type) ?? []), rel]);
  for (const [type, group] of byType) {
    const rows = group.map((r) => ({ from: r.from, to: r.to, props: decodeProps(r.props) }));
    const result = await tx.run(createRelsCypher[type].cypher, { tenant, rows });
    const created = toNumber(result.records[0]?.get('created') ?? 0);
    if (created !== rows.length) {
      throw new ConflictError(`could only recreate ${created} of ${rows.length} ${type} relationships`);
    }
  }
}

/**
 * Merges `mergedId` into `survivorId` in the caller's transaction: names, identifiers, sources and attributes are
 * united (survivor wins on attribute keys), the stricter data class and licence win, relationships move.
 * NOT_FOUND when either entity is missing or outside the guard's scope, CONFLICT when either is already merged.
 */
export async function mergeEntitiesTx(
  tx: ManagedTransaction,
  tenant: string,
  input: MergeEntityInput,
  guard?: WriteGuard,
): Promise<WithTouched<MergeResult>> {
  const t = parseTenant(tenant);
  const parsed = parseInput(mergeInputSchema, input, 'merge input');
  const { survivorId, mergedId, reason, actor } = parsed;
  const loaded = await lockAndLoad(tx, t, survivorId, mergedId);
  const survivor = seen(loaded.survivor, guard);
  const merged = seen(loaded.merged, guard);
  if (!survivor) throw new NotFoundError('entity', survivorId);
  if (!merged) throw new NotFoundError('entity', mergedId);
  if (survivor.mergedInto != null)
    throw new ConflictError(`entity ${survivorId} is itself merged; merge into its survivor`);
  if (merged.mergedInto != null) throw new ConflictError(`entity ${mergedId} is already merged`);
  const now = parsed.at ?? Date.now();
  const survivorAfter = mergedSurvivorProps(survivor, merged, now);
  const next = survivorAfter.dataClass as DataClass;
  guard?.authorize('merge', [
    { id: survivorId, current: survivor.dataClass as DataClass, next },
    { id: mergedId, current: merged.dataClass as DataClass, next },
  ]);

  const rows = (await tx.run(entityRelsCypher.cypher, { tenant: t, id: mergedId, relTypes: allRelTypes })).records;
  const rels = rows.map((r) => ({
    eid: r.get('eid') as string,
    rel: {
      type: r.get('type'),
      from: r.get('from'),
      to: r.get('to'),
      props: encodeProps(r.get('props') as TaggedPairs),
    } as SnapshotRel,
  }));
  // In a stable order (rows come in storage order, which a restore changes): the snapshot reads the same on replay.
  const relKey = ({ rel }: (typeof rels)[number]) => JSON.stringify([rel.type, rel.from, rel.to, rel.props]);
  rels.sort((x, y) => (relKey(x) < relKey(y) ? -1 : relKey(x) > relKey(y) ? 1 : 0));
  const pair = new Set([survivorId, mergedId]);
  const removed = rels.filter(({ rel }) => pair.has(rel.from) && pair.has(rel.to)).map(({ rel }) => rel);
  const moved = rels.filter(({ rel }) => !(pair.has(rel.from) && pair.has(rel.to))).map(({ rel }) => rel);

  const mergeId = parsed.mergeId ?? randomUUID();
  const onSurvivor = (id: string) => (id === mergedId ? survivorId : id);
  await createRels(
    tx,
    t,
    moved.map((r) => ({
      ...r,
      from: onSurvivor(r.from),
      to: onSurvivor(r.to),
      props: { ...r.props, movedBy: mergeId },
    })),
  );
  await tx.run(deleteRelsCypher.cypher, { tenant: t, eids: rels.map((r) => r.eid) });

  const saved = await tx.run(setEntityPropsCypher.cypher, {
    tenant: t,
    id: survivorId,
    props: decodeProps(survivorAfter),
  });
  await tx.run(markMergedCypher.cypher, { tenant: t, survivorId, mergedId });
  const snapshot: MergeSnapshot = { version: 1, survivorBefore: survivor, survivorAfter, merged, moved, removed };
  await tx.run(createMergeRecordCypher.cypher, {
    tenant: t,
    mergeId,
    survivorId,
    mergedId,
    reason: reason ?? null,
    actor,
    snapshot: JSON.stringify(snapshot),
    now: epochMs(now),
  });
  const neighbours = moved.flatMap((r) => [r.from, r.to]).filter((id) => !pair.has(id));
  return {
    mergeId,
    survivor: toEntity(saved.records[0]!.get('entity') as Props),
    mergedId,
    movedRelationships: moved.length,
    touched: [...new Set([survivorId, mergedId, ...neighbours])],
  };
}

/**
 * Undoes a merge in the caller's transaction: removes the moved copies, restores the merged entity and every
 * moved/removed relationship exactly, and the survivor's pre-merge properties (a property changed after the merge
 * keeps its newer value). NOT_FOUND for an unknown merge or one whose entities are outside the guard's scope;
 * CONFLICT when already undone, or when a later merge moved the same entities or relationships again (undo that one
 * first).
 */
export async function unmergeTx(
  tx: ManagedTransaction,
  tenant: string,
  input: { mergeId: string; actor: string; at?: number },
  guard?: WriteGuard,
): Promise<WithTouched<UnmergeResult>> {
  const t = parseTenant(tenant);
  const { mergeId, actor, at } = parseInput(unmergeInputSchema, input, 'unmerge input');
  const record = (await tx.run(lockMergeRecordCypher.cypher, { tenant: t, mergeId })).records[0]?.get('record') as
    | Props
    | undefined;
  if (!record) throw new NotFoundError('merge', mergeId);
  const survivorId = String(record.survivorId);
  const mergedId = String(record.mergedId);
  const { survivor, merged } = await lockAndLoad(tx, t, survivorId, mergedId);
  // Checked before any other answer, so a merge of entities the caller cannot see is indistinguishable from none.
  const hidden = [survivor, merged].some((p) => p && !seen(p, guard));
  if (hidden) throw new NotFoundError('merge', mergeId);
  if (record.undoneAt != null) throw new ConflictError(`merge ${mergeId} was already undone`);
  const snapshot = JSON.parse(String(record.snapshot)) as MergeSnapshot;

  if (!survivor || !merged || merged.mergedInto !== survivorId) {
    throw new ConflictError(`entity ${mergedId} is no longer merged into ${survivorId}`);
  }
  if (survivor.mergedInto != null) {
    throw new ConflictError(`survivor ${survivorId} was merged again after merge ${mergeId}; undo that merge first`);
  }
  const copies = (await tx.run(movedCopiesCypher.cypher, { tenant: t, survivorId, mergeId })).records.map(
    (r) => r.get('eid') as string,
  );
  if (copies.length !== snapshot.moved.length) {
    throw new ConflictError(`relationships moved by merge ${mergeId} were moved again by a later merge; undo it first`);
  }
  const survivorProps = restoredSurvivorProps(snapshot.survivorBefore, snapshot.survivorAfter, survivor);
  guard?.authorize('unmerge', [
    { id: survivorId, current: survivor.dataClass as DataClass, next: survivorProps.dataClass as DataClass },
    { id: mergedId, current: merged.dataClass as DataClass, next: snapshot.merged.dataClass as DataClass },
  ]);
  await tx.run(deleteRelsCypher.cypher, { tenant: t, eids: copies });

  const s = await tx.run(setEntityPropsCypher.cypher, { tenant: t, id: survivorId, props: decodeProps(survivorProps) });
  const m = await tx.run(setEntityPropsCypher.cypher, { tenant: t, id: mergedId, props: decodeProps(snapshot.merged) });
  const rels = [...snapshot.moved, ...snapshot.removed];
  await createRels(tx, t, rels);
  await tx.run(markUndoneCypher.cypher, { tenant: t, mergeId, now: epochMs(at), actor });

  const neighbours = snapshot.moved.flatMap((r) => [r.from, r.to]);
  return {
    mergeId,
    restored: [s, m].map((r) => toEntity(r.records[0]!.get('entity') as Props)),
    restoredRelationships: rels.length,
    touched: [...new Set([survivorId, mergedId, ...neighbours])],
  };
}
