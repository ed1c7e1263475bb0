/**
 * Entity and relationship writes as transaction functions. They take a `ManagedTransaction`, so a caller can combine
 * several in one transaction (ER: exactly-once marker + upsert + link) and the driver retries the whole unit on
 * transient errors. Each validates its own input, so every caller gets the same checks.
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { entityLifecycleCypher, linkCypher, liveIdsCypher, upsertEntityCypher } from './cypher/writes.js';
import { ConflictError, NotFoundError } from './errors.js';
import { epochMs, type Props, type RelRow, toEntity, toNumber, toRelationship } from './model.js';
import { nameTokens } from './name-tokens.js';
import type { Entity, EntityInput, ExpiryRule, LinkInput, Relationship } from './types.js';
import { entityInputSchema, linkInputSchema, parseInput, parseTenant } from './validation.js';

/** Options of a write: the retention rule that stamps `expiresAt`, and the clock (tests move it). */
export interface WriteOptions {
  /** Without a rule a new record gets no expiry (the retention sweep stamps it later) and an update keeps its own. */
  expiry?: ExpiryRule;
  /** Epoch ms of the write. @default Date.now() */
  now?: number;
}

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
): Promise<Entity> {
  const t = parseTenant(tenant);
  const v = parseInput(entityInputSchema, input, 'entity input');
  const id = v.id ?? randomUUID();
  const now = options.now ?? Date.now();
  const old = (await tx.run(entityLifecycleCypher.cypher, { tenant: t, id })).records[0]?.toObject() ?? {};
  const oldExpiry = old.expiresAt == null ? null : toNumber(old.expiresAt);
  const fresh = !old.exists || old.tombstonedAt != null || (oldExpiry !== null && oldExpiry <= now);
  const createdAtMs = fresh ? now : toNumber(old.createdAt);
  const legalHold = !fresh && old.legalHold === true;
  const expiresAt = options.expiry
    ? options.expiry({ dataClass: v.dataClass, createdAtMs, legalHold })
    : fresh
      ? null
      : oldExpiry;
  const result = await tx.run(upsertEntityCypher.cypher, {
    tenant: t,
    id,
    now: epochMs(now),
    fresh,
    createdAt: epochMs(createdAtMs),
    expiresAt: expiresAt === null ? null : epochMs(expiresAt),
    kind: v.kind,
    names: v.names,
    nameTokens: nameTokens(v.names),
    dataClass: v.dataClass,
    licence: v.licence,
    attributes: v.attributes == null ? null : JSON.stringify(v.attributes),
    sources: v.sources == null ? null : JSON.stringify(v.sources),
    identifiers: v.identifiers ?? null,
    purposes: v.purposes ?? null,
  });
  const record = result.records[0];
  if (!record) throw new ConflictError(`entity ${id} was merged into another entity; update the survivor or unmerge`);
  return toEntity(record.get('entity') as Props);
}

/** Creates a typed relationship between two live entities of the tenant (NOT_FOUND when either is missing/merged). */
export async function linkEntitiesTx(tx: ManagedTransaction, tenant: string, input: LinkInput): Promise<Relationship> {
  const t = parseTenant(tenant);
  const v = parseInput(linkInputSchema, input, 'link input');
  const result = await tx.run(linkCypher[v.type].cypher, {
    tenant: t,
    from: v.from,
    to: v.to,
    relId: randomUUID(),
    properties: JSON.stringify(v.properties ?? {}),
    confidence: v.confidence ?? null,
    since: v.since ?? null,
    now: epochMs(),
  });
  const record = result.records[0];
  if (!record) {
    const live = await tx.run(liveIdsCypher.cypher, { tenant: t, ids: [v.from, v.to] });
    const found = (live.records[0]?.get('ids') as string[] | undefined) ?? [];
    throw new NotFoundError('entity', found.includes(v.from) ? v.to : v.from);
  }
  return toRelationship(record.toObject() as RelRow);
}
