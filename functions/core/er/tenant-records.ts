/**
 * A tenant's records as training and re-clustering read them: every live or merged entity, compared on what ER
 * stored when it wrote the entity (`erRecord`, records.ts), else on the entity's own values (entities written by
 * people or by an older version). Read in pages by id.
 */
import type { Driver } from 'neo4j-driver';
import { epochMs, int } from '../graph/model.js';
import type { EntityKind } from '../graph/types.js';
import { parseTenant } from '../graph/validation.js';
import { activeMergesCypher, openReviewsCypher, tenantRecordsPageCypher } from './cypher.js';
import { normaliseRecord } from './normalise.js';
import { type StoredRecord, storedRecordOf, storedRecordSchema } from './records.js';
import { type NotSamePair, notSamePairsTx } from './review/not-same.js';

/** One entity of the tenant with its comparable record. */
export interface TenantRecord {
  id: string;
  kind: EntityKind;
  /** The entity it was merged into, or null when live. */
  mergedInto: string | null;
  record: StoredRecord;
  /** False when the record was rebuilt from the entity's values (no `erRecord`). */
  stored: boolean;
}

/** A merge still in force. */
export interface ActiveMerge {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  actor: string;
}

/** An open review candidate: the record's entity and the entity it may be. */
export interface OpenReview {
  id: string;
  entityId: string;
  candidateId: string;
}

/** Everything a re-cluster plans from. */
export interface TenantSnapshot {
  records: TenantRecord[];
  merges: ActiveMerge[];
  reviews: OpenReview[];
  /** Pairs a reviewer rejected: never merged or proposed again (absent: none). */
  notSame?: NotSamePair[];
}

const pageSize = 2_000;

function parseJson(text: unknown): unknown {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The stored record, or one rebuilt from the entity's own names, identifiers, dates and address. */
function recordOf(row: Record<string, unknown>): { record: StoredRecord; stored: boolean } {
  const stored = storedRecordSchema.safeParse(parseJson(row.erRecord));
  if (stored.success) return { record: stored.data, stored: true };
  const attributes = (parseJson(row.attributes) ?? {}) as Record<string, unknown>;
  const dates = (attributes.dates ?? {}) as Record<string, unknown>;
  const record = normaliseRecord({
    kind: row.kind as EntityKind,
    names: (row.names as string[] | null) ?? [],
    identifiers: ((row.identifiers as string[] | null) ?? []).map((i) => {
      const at = i.indexOf(':');
      return { scheme: i.slice(0, at), value: i.slice(at + 1) };
    }),
    dates: Object.entries(dates)
      .filter(([, v]) => typeof v === 'string')
      .map(([type, value]) => ({ type, value: value as string })),
    source: { system: 'graph', recordId: String(row.id) },
    licence: 'INTERNAL_ONLY',
    dataClass: 'ENTITY',
    attributes,
  } as Parameters<typeof normaliseRecord>[0]);
  return { record: storedRecordOf(record, attributes), stored: false };
}

/** Reads the tenant's records, merges in force and open review candidates. */
export async function readTenantSnapshot(driver: Driver, tenant: string): Promise<TenantSnapshot> {
  const t = parseTenant(tenant);
  const session = driver.session({ defaultAccessMode: 'READ' });
  try {
    const records: TenantRecord[] = [];
    for (let after = ''; ; ) {
      const rows = (
        await session.executeRead((tx) =>
          tx.run(tenantRecordsPageCypher.cypher, { tenant: t, after, now: epochMs(), limit: int(pageSize) }),
        )
      ).records.map((r) => r.toObject() as Record<string, unknown>);
      for (const row of rows) {
        records.push({
          id: String(row.id),
          kind: row.kind as EntityKind,
          mergedInto: (row.mergedInto as string | null) ?? null,
          ...recordOf(row),
        });
      }
      if (rows.length < pageSize) break;
      after = String(rows.at(-1)!.id);
    }
    const merges = (await session.executeRead((tx) => tx.run(activeMergesCypher.cypher, { tenant: t }))).records.map(
      (r) => r.toObject() as ActiveMerge,
    );
    const reviews = (await session.executeRead((tx) => tx.run(openReviewsCypher.cypher, { tenant: t }))).records.map(
      (r) => r.toObject() as OpenReview,
    );
    const notSame = await session.executeRead((tx) => notSamePairsTx(tx, t));
    return { records, merges, reviews, notSame };
  } finally {
    await session.close();
  }
}

/** The part of a snapshot about one kind of record (a model is trained on, and re-clusters, one kind). */
export function snapshotOfKind(snapshot: TenantSnapshot, kind: EntityKind): TenantSnapshot {
  const ids = new Set(snapshot.records.filter((r) => r.kind === kind).map((r) => r.id));
  return {
    records: snapshot.records.filter((r) => ids.has(r.id)),
    merges: snapshot.merges.filter((m) => ids.has(m.mergedId) && ids.has(m.survivorId)),
    reviews: snapshot.reviews.filter((r) => ids.has(r.entityId) && ids.has(r.candidateId)),
  };
}
