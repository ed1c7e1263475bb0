/**
 * The graph data model, shared by the repository, the seeder and entity resolution (ER), and the mappers from the
 * rows the templates return to domain types. Change the model only together.
 *
 *   (:Entity {tenant, id, kind, names: [string], nameTokens: [string], identifiers: ['scheme:value'],
 *             attributes: JSON string, dataClass, licence, sources: JSON string,
 *             createdAt: epoch ms (INTEGER), updatedAt: epoch ms (INTEGER), mergedInto?: survivor id,
 *             purposes: [string] (collection purposes), legalHold: bool, expiresAt: epoch ms (INTEGER) | absent,
 *             tombstonedAt?: epoch ms, retentionTier?: string,
 *             blockKeys?: [string] and erRecord?: JSON string — written by ER only (er/blocking.ts, er/records.ts)})
 *   (:Entity)-[:KNOWS|WORKS_FOR|… {tenant, id, properties: JSON string, confidence: float|null,
 *                                  since: ISO-8601 string|null, createdAt: epoch ms, movedBy?: merge id}]->(:Entity)
 *   (:MergeRecord {tenant, id, survivorId, mergedId, reason, actor, snapshot: JSON string, createdAt,
 *                  undoneAt?, undoneBy?})
 *   (:AppliedEvent {tenant, eventId, appliedAt, token, recordHash?})   — ER's exactly-once marker, unique per
 *                  (tenant, eventId)
 *
 * - Every node and relationship carries `tenant`; every read matches it on every node and relationship it touches, so
 *   a relationship wrongly created across tenants is never followed.
 * - `nameTokens` = `nameTokens(names)` (name-tokens.ts): NFKD, diacritics stripped, lowercase, split on non
 *   letters/digits. ER blocks on it (full-text index `entity_blocking_v3`, keyword analyzer, also over `identifiers`
 *   and `blockKeys`).
 * - A merged entity keeps its node and relationships-as-snapshot; `mergedInto` hides it from every read. Its
 *   relationships are recreated on the survivor with `movedBy = mergeId`, so an unmerge can find and remove them.
 * - `expiresAt` is stamped on every write from the retention policy (class → tier, legal hold → none); every read
 *   treats `expiresAt <= now` as gone. The retention sweep tombstones such entities: relationships and content
 *   properties removed, `tenant, id, kind, dataClass, createdAt, expiresAt, tombstonedAt, retentionTier` kept.
 * - Snapshots store integers tagged as `{"int": "123"}` ({@link encodeProps}) because JSON cannot tell an INTEGER
 *   property from a FLOAT one, and an unmerge must restore both entities exactly.
 */
import neo4j from 'neo4j-driver';
import { isoUtc } from '../time/utc.js';
import type { Entity, ExportEntity, NeighborEntity, Relationship, RelType, Source } from './types.js';

/** A property map as Neo4j returns it (values may be neo4j Integers). */
export type Props = Record<string, unknown>;

/** A neo4j Integer, bigint or number as a JS number (epoch ms and counts fit in 2^53). */
export function toNumber(value: unknown): number {
  if (neo4j.isInt(value)) return value.toNumber();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  throw new TypeError(`expected a number, got ${typeof value}`);
}

/** Epoch ms as a neo4j INTEGER, so timestamps are stored as integers whatever the driver's number config. */
export function epochMs(ms: number = Date.now()): ReturnType<typeof neo4j.int> {
  return neo4j.int(ms);
}

/** A JS number as a neo4j INTEGER (LIMIT and SKIP reject floats, and the driver sends JS numbers as floats). */
export function int(n: number): ReturnType<typeof neo4j.int> {
  return neo4j.int(Math.trunc(n));
}

function iso(value: unknown): string {
  return isoUtc(toNumber(value));
}

/** A JSON-string property parsed, or `fallback` when it is absent or not valid JSON. */
export function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** What an entity says about who or what it is (entity resolution scores these and needs no more). */
export type EntityCore = Pick<Entity, 'id' | 'kind' | 'names' | 'identifiers' | 'attributes' | 'sources'>;

/** {@link EntityCore} from the properties of an `:Entity` node (or a projection holding at least those). */
export function toEntityCore(p: Props): EntityCore {
  return {
    id: String(p.id),
    kind: p.kind as Entity['kind'],
    names: (p.names as string[] | null | undefined) ?? [],
    identifiers: (p.identifiers as string[] | null | undefined) ?? [],
    attributes: parseJson<Record<string, unknown>>(p.attributes, {}),
    sources: parseJson<Source[]>(p.sources, []),
  };
}

/** Domain entity from the properties of an `:Entity` node. */
export function toEntity(p: Props): Entity {
  return { ...toNeighborEntity(p), identifiers: (p.identifiers as string[] | null | undefined) ?? [] };
}

/** {@link NeighborEntity} from the projection a neighbourhood read returns (no identifiers). */
export function toNeighborEntity(p: Props): NeighborEntity {
  return {
    id: String(p.id),
    kind: p.kind as Entity['kind'],
    names: (p.names as string[] | null | undefined) ?? [],
    attributes: parseJson<Record<string, unknown>>(p.attributes, {}),
    sources: parseJson<Source[]>(p.sources, []),
    dataClass: p.dataClass as Entity['dataClass'],
    licence: p.licence as Entity['licence'],
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

/** Domain entity plus the export-only properties (collection purposes, legal hold). */
export function toExportEntity(p: Props): ExportEntity {
  return {
    ...toEntity(p),
    purposes: (p.purposes as string[] | undefined) ?? [],
    legalHold: p.legalHold === true,
  };
}

/** Shape the templates return for a relationship: its properties plus type and endpoint ids. */
export interface RelRow {
  type: string;
  from: string;
  to: string;
  props: Props;
}

/** Domain relationship from a {@link RelRow}. */
export function toRelationship(row: RelRow): Relationship {
  const p = row.props;
  return {
    id: String(p.id),
    type: row.type as RelType,
    from: row.from,
    to: row.to,
    properties: parseJson<Record<string, unknown>>(p.properties, {}),
    confidence: p.confidence == null ? null : toNumber(p.confidence),
    since: typeof p.since === 'string' ? p.since : null,
    createdAt: iso(p.createdAt),
  };
}

/** Tagged property pairs as the snapshot templates return them: `[key, value | {int: '…'}]`. */
export type TaggedPairs = [string, unknown][];

/**
 * JSON-safe property map from tagged pairs (integers stay tagged), keys sorted: Neo4j's key order depends on how the
 * node was written, and a merge record's snapshot must serialise the same after a restore (journal replay).
 */
export function encodeProps(pairs: TaggedPairs): Props {
  return Object.fromEntries([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Property map ready to `SET n = $props`: tagged integers become neo4j Integers again, floats stay floats. */
export function decodeProps(props: Props): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) {
    const tagged = value !== null && typeof value === 'object' && !Array.isArray(value) && 'int' in value;
    out[key] = tagged ? neo4j.int(String((value as { int: unknown }).int)) : value;
  }
  return out;
}
