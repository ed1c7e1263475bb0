/**
 * Entity and relationship writes as transaction functions. They take a `ManagedTransaction`, so a caller can combine
 * several in one transaction (ER: exactly-once marker + upsert + link) and the driver retries the whole unit on
 * transient errors. Each validates its own input, so every caller gets the same checks, and consults the caller's
 * write guard (when given) on the state it read in the same transaction, before it writes.
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import {
  entityLifecycleCypher,
  linkCypher,
  liveClassesCypher,
  reclassifyEntityCypher,
  upsertEntityCypher,
} from './cypher/writes.js';
import { ConflictError, NotFoundError } from './errors.js';
import { type EntityCore, epochMs, type Props, type RelRow, toEntity, toNumber, toRelationship } from './model.js';
import { nameTokens } from './name-tokens.js';
import type {
  DataClass,
  Entity,
  EntityInput,
  ExpiryRule,
  LinkInput,
  ReclassifyInput,
  ReclassifyResult,
  Relationship,
  Source,
  WriteGuard,
} from './types.js';
import { entityInputSchema, linkInputSchema, parseInput, parseTenant, reclassifyInputSchema } from './validation.js';

/** Options of a write: the retention rule that stamps `expiresAt`, and the clock (tests move it). */
export interface WriteOptions {
  /** Without a rule a new record gets no expiry (the retention sweep stamps it later) and an update keeps its own. */
  expiry?: ExpiryRule;
  /** Epoch ms of the write. @default Date.now() */
  now?: number;
  /**
   * What entity resolution keeps on an entity it writes (its extra blocking keys and the record's comparable form,
   * er/records.ts), set in the same statement. Other writers leave what is there; a record collected anew drops it.
   */
  er?: { blockKeys: string[]; record: string };
}

/** An entity's stored state as a write sees it; `fresh` means a write collects it anew (absent, expired, tombstoned). */
async function lifecycle(tx: ManagedTransaction, tenant: string, id: string, now: number) {
  const old = (await tx.run(entityLifecycleCypher.cypher, { tenant, id })).records[0]?.toObject() ?? {};
  const expiry = old.expiresAt == null ? null : toNumber(old.expiresAt);
  return {
    exists: old.exists === true,
    dataClass: (old.dataClass ?? null) as DataClass | null,
    createdAtMs: old.createdAt == null ? now : toNumber(old.createdAt),
    expiry,
    legalHold: old.legalHold === true,
    merged: old.merged === true,
    tombstoned: old.tombstonedAt != null,
    fresh: !old.exists || old.tombstonedAt != null || (expiry !== null && expiry <= now),
  };
}

/** Reads the stored state, has the guard authorise the write on it, and gives the creation time and expiry to write. */
async function decidedLifecycle(
  tx: ManagedTransaction,
  tenant: string,
  id: string,
  next: DataClass,
  now: number,
  options: WriteOptions,
  guard?: WriteGuard,
) {
  const old = await lifecycle(tx, tenant, id, now);
  // Only a tombstone has nothing left to protect (the sweep removed its data and relationships). An expired record the
  // sweep has not reached still holds its relationships, so taking it over counts as a write to its stored class.
  const current = old.exists && !old.tombstoned ? old.dataClass : null;
  guard?.authorize('upsert', [{ id, current, next }]);
  const createdAtMs = old.fresh ? now : old.createdAtMs;
  const legalHold = !old.fresh && old.legalHold;
  const expiresAt = options.expiry
    ? options.expiry({ dataClass: next, createdAtMs, legalHold })
    : old.fresh
      ? null
      : old.expiry;
  return { fresh: old.fresh, createdAtMs, expiresAt };
}

/** A validated entity write as a row of {@link upsertEntityCypher}. */
type UpsertRow = ReturnType<typeof upsertRow>;

function upsertRow(
  v: ReturnType<typeof parseEntityInput>,
  id: string,
  now: number,
  options: WriteOptions,
  lifecycleOf: { fresh: boolean; createdAtMs: number; expiresAt: number | null } | null,
) {
  return {
    id,
    now: epochMs(now),
    // Without a guard or a retention rule nothing here needs the stored state: the statement decides freshness.
    fresh: lifecycleOf?.fresh ?? null,
    createdAt: lifecycleOf ? epochMs(lifecycleOf.createdAtMs) : null,
    expiresAt: lifecycleOf?.expiresAt == null ? null : epochMs(lifecycleOf.expiresAt),
    kind: v.kind,
    names: v.names,
    nameTokens: nameTokens(v.names),
    dataClass: v.dataClass,
    licence: v.licence,
    attributes: v.attributes == null ? null : JSON.stringify(v.attributes),
    sources: v.sources == null ? null : JSON.stringify(v.sources),
    identifiers: v.identifiers ?? null,
    purposes: v.purposes ?? null,
    blockKeys: options.er?.blockKeys ?? null,
    erRecord: options.er?.record ?? null,
  };
}

const parseEntityInput = (input: EntityInput) => parseInput(entityInputSchema, input, 'entity input');

const mergedConflict = (id: string) =>
  new ConflictError(`entity ${id} was merged into another entity; update the survivor or unmerge`);

/**
 * Creates an entity (new id when `input.id` is absent) or replaces its kind, names, data class and licence; attributes,
 * sources, identifiers and purposes are replaced when given and kept when absent. A merged entity cannot be updated
 * (CONFLICT). An expired or tombstoned entity is collected anew: its creation time restarts and old data is dropped.
 * `expiresAt` is stamped from `options.expiry` on every write, so a change of data class moves the expiry too.
 */
export async function upsertEntityTx(
  tx: ManagedTransaction,
  tenant: string,
  input: EntityInput,
  options: WriteOptions = {},
  guard?: WriteGuard,
): Promise<Entity> {
  const t = parseTenant(tenant);
  const v = parseEntityInput(input);
  const id = v.id ?? randomUUID();
  const now = options.now ?? Date.now();
  const lifecycleOf =
    guard || options.expiry ? await decidedLifecycle(tx, t, id, v.dataClass, now, options, guard) : null;
  const result = await tx.run(upsertEntityCypher.cypher, {
    tenant: t,
    rows: [upsertRow(v, id, now, options, lifecycleOf)],
    returnEntity: true,
  });
  const record = result.records[0];
  if (!record) throw mergedConflict(id);
  return toEntity(record.get('entity') as Props);
}

/**
 * Entity writes of one tenant held back to be sent as one statement ({@link EntityUpserts.send}): entity resolution
 * writes a group of events' entities this way, one statement per tenant instead of one per event. Only writes that
 * need no stored state first (no write guard, no retention rule) and that name their ids; each is validated when
 * added, exactly as {@link upsertEntityTx} validates it.
 */
export class EntityUpserts {
  private rows: UpsertRow[] = [];

  constructor(readonly tenant: string) {
    parseTenant(tenant);
  }

  /**
   * Adds a write; returns the entity's core as it will be stored when the write gives every part of it (names,
   * identifiers, attributes, sources), else null (a kept part is only known by reading it).
   */
  add(input: EntityInput & { id: string }, options: Omit<WriteOptions, 'expiry'> = {}): EntityCore | null {
    const v = parseEntityInput(input);
    // One statement writes each id once: a second row of the same id would MERGE it twice and hide a CONFLICT.
    if (this.rows.some((r) => r.id === input.id))
      throw new Error(`entity ${input.id} is already held in this statement`);
    const row = upsertRow(v, input.id, options.now ?? Date.now(), options, null);
    this.rows.push(row);
    if (row.identifiers === null || row.attributes === null || row.sources === null) return null;
    return {
      id: row.id,
      kind: v.kind,
      names: v.names,
      identifiers: row.identifiers,
      // As a read gives them back: parsed from the stored JSON.
      attributes: JSON.parse(row.attributes) as Record<string, unknown>,
      sources: JSON.parse(row.sources) as Source[],
    };
  }

  get size(): number {
    return this.rows.length;
  }

  /**
   * Runs the held writes as one statement and forgets them. Does not wait to send: statements of one transaction
   * run in the order sent, so a statement sent after this one sees its writes. Rejects with CONFLICT when an entity
   * was merged (like {@link upsertEntityTx}).
   */
  send(tx: ManagedTransaction): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return Promise.resolve();
    const result = tx.run(upsertEntityCypher.cypher, { tenant: this.tenant, rows, returnEntity: false });
    return result.then((r) => {
      const written = new Set(r.records.map((record) => record.get('id') as string));
      const merged = rows.find((row) => !written.has(row.id));
      if (merged) throw mergedConflict(merged.id);
    });
  }
}

/** The classes of the live entities among `ids` that the guard lets the caller see (all of them without a guard). */
async function visibleClasses(tx: ManagedTransaction, tenant: string, ids: string[], guard?: WriteGuard) {
  const rows = (await tx.run(liveClassesCypher.cypher, { tenant, ids })).records[0]?.get('entities') as
    | { id: string; dataClass: DataClass }[]
    | undefined;
  return new Map((rows ?? []).filter((r) => !guard || guard.visible(r.dataClass)).map((r) => [r.id, r.dataClass]));
}

/**
 * Creates a typed relationship between two live entities of the tenant. NOT_FOUND when either is missing, merged or
 * outside the guard's scope (the same answer for all three).
 */
export async function linkEntitiesTx(
  tx: ManagedTransaction,
  tenant: string,
  input: LinkInput,
  guard?: WriteGuard,
  /** The relationship's id and time, fixed by a caller that journals them ahead (a replay passes the same). */
  pinned: { relId?: string; at?: number } = {},
): Promise<Relationship> {
  const t = parseTenant(tenant);
  const v = parseInput(linkInputSchema, input, 'link input');
  const classes = await visibleClasses(tx, t, [v.from, v.to], guard);
  const missing = [v.from, v.to].find((id) => !classes.has(id));
  if (missing) throw new NotFoundError('entity', missing);
  guard?.authorize(
    'link',
    [v.from, v.to].map((id) => ({ id, current: classes.get(id)!, next: classes.get(id)! })),
  );
  const result = await tx.run(linkCypher[v.type].cypher, {
    tenant: t,
    from: v.from,
    to: v.to,
    relId: pinned.relId ?? randomUUID(),
    properties: JSON.stringify(v.properties ?? {}),
    confidence: v.confidence ?? null,
    since: v.since ?? null,
    now: epochMs(pinned.at),
  });
  const record = result.records[0];
  // Both were live when read; a concurrent merge can still hide one before the link matches.
  if (!record) throw new ConflictError(`entity ${v.from} or ${v.to} was merged while linking; retry`);
  return toRelationship(record.toObject() as RelRow);
}

/**
 * Sets the data class of a live entity, moving its expiry to the new class's retention tier. The only write that may
 * lower a class; the guard decides whether this caller may. NOT_FOUND when the entity is missing, merged, expired or
 * outside the guard's scope.
 */
export async function reclassifyEntityTx(
  tx: ManagedTransaction,
  tenant: string,
  input: ReclassifyInput,
  options: WriteOptions = {},
  guard?: WriteGuard,
): Promise<ReclassifyResult> {
  const t = parseTenant(tenant);
  const v = parseInput(reclassifyInputSchema, input, 'reclassify input');
  const now = options.now ?? Date.now();
  const old = await lifecycle(tx, t, v.id, now);
  const from = old.dataClass;
  if (old.fresh || old.merged || !from || (guard && !guard.visible(from))) throw new NotFoundError('entity', v.id);
  guard?.authorize('reclassify', [{ id: v.id, current: from, next: v.dataClass }]);
  const expiresAt = options.expiry
    ? options.expiry({ dataClass: v.dataClass, createdAtMs: old.createdAtMs, legalHold: old.legalHold })
    : old.expiry;
  const result = await tx.run(reclassifyEntityCypher.cypher, {
    tenant: t,
    id: v.id,
    dataClass: v.dataClass,
    now: epochMs(now),
    expiresAt: expiresAt === null ? null : epochMs(expiresAt),
  });
  const record = result.records[0];
  if (!record) throw new NotFoundError('entity', v.id);
  return { entity: toEntity(record.get('entity') as Props), from, to: v.dataClass };
}
