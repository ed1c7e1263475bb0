/**
 * Builds a realistic seeded graph: per tenant, entities of every kind (persons and organisations with duplicate-ish
 * name variants for ER) and typed relationships whose targets follow a power law (a few hubs, a long tail). Each
 * entity records when and why it was collected (`createdAt` before the seed's `asOf`, collection `purposes`), so the
 * export policy releases most records for the purposes they were collected for and withholds the rest.
 * Everything is derived from (seed, tenant, index), so any batch can be regenerated alone: that is what makes the
 * seeder resumable. Each batch is written in one transaction together with a `(:SeedBatch)` marker; a rerun skips
 * batches whose marker exists, so a crash mid-way never duplicates relationships.
 */
import type { Driver } from 'neo4j-driver';
import {
  markSeedBatchCypher,
  seedAsOfCypher,
  seedBatchDoneCypher,
  seedEntitiesCypher,
} from '../../../functions/core/graph/cypher/tooling.js';
import { createRelsCypher } from '../../../functions/core/graph/cypher/writes.js';
import { migrate } from '../../../functions/core/graph/migrations.js';
import { epochMs, int, toNumber } from '../../../functions/core/graph/model.js';
import { nameTokens } from '../../../functions/core/graph/name-tokens.js';
import { type EntityKind, entityKinds, type RelType, relTypes } from '../../../functions/core/graph/types.js';
import { hashSeed, mulberry32, nameVariant, orgName, otherName, personName, pick, type Rng } from './names.js';

export interface SeedOptions {
  tenants: number;
  /** Entities over all tenants. */
  entities: number;
  /** Relationships over all tenants. */
  edges: number;
  seed: number;
  /** Rows per write transaction. */
  batchSize?: number;
  /**
   * When the records were collected up to (epoch ms): each one was collected some days before it. A tenant seeded
   * before keeps the time it was first seeded at (recorded on its batch markers). @default the start of today (UTC)
   */
  asOf?: number;
}

export interface SeedProgress {
  phase: 'entities' | 'edges';
  tenant: string;
  done: number;
  total: number;
  skipped: number;
}

export interface SeedSummary {
  tenants: string[];
  entitiesPerTenant: number[];
  edgesPerTenant: number[];
  /** Each tenant's collection time (epoch ms): what {@link tenantGraph} needs to regenerate the same records. */
  asOfPerTenant: number[];
  batchesWritten: number;
  batchesSkipped: number;
  ms: number;
}

/** Deterministic tenant ids: one seed never collides with another seed's data. */
export const seedTenant = (seed: number, i: number) => `seed${seed}-t${i}`;
/** Entity id of index `i` (zero-padded so ids sort like indexes). */
export const seedEntityId = (i: number) => `e${String(i).padStart(7, '0')}`;

const kindWeights: [EntityKind, number][] = [
  ['PERSON', 0.45],
  ['ORGANISATION', 0.2],
  ['LOCATION', 0.08],
  ['EVENT', 0.08],
  ['DOCUMENT', 0.07],
  ['ACCOUNT', 0.09],
  ['VEHICLE', 0.03],
];

/** Which kinds each relationship type connects, and how often the type occurs. */
const relShapes: Record<RelType, { weight: number; from: EntityKind[]; to: EntityKind[] }> = {
  KNOWS: { weight: 0.28, from: ['PERSON'], to: ['PERSON'] },
  WORKS_FOR: { weight: 0.15, from: ['PERSON'], to: ['ORGANISATION'] },
  OWNS: { weight: 0.1, from: ['PERSON', 'ORGANISATION'], to: ['ACCOUNT', 'VEHICLE', 'ORGANISATION'] },
  LOCATED_IN: { weight: 0.12, from: ['PERSON', 'ORGANISATION', 'EVENT'], to: ['LOCATION'] },
  PARTICIPATED_IN: { weight: 0.1, from: ['PERSON', 'ORGANISATION'], to: ['EVENT'] },
  TRANSACTED_WITH: { weight: 0.15, from: ['ACCOUNT'], to: ['ACCOUNT'] },
  RELATED_TO: { weight: 0.1, from: ['DOCUMENT'], to: [...entityKinds] },
};

function weighted<T>(rng: Rng, items: readonly [T, number][]): T {
  let r = rng() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Power-law pick from a list: index ~ n·u^skew, so low indexes become hubs (skew 1 = uniform). */
const skewed = <T>(rng: Rng, items: readonly T[], skew: number): T =>
  items[Math.min(items.length - 1, Math.floor(items.length * rng() ** skew))]!;

const kindOf = (seed: number, tenant: string, i: number): EntityKind =>
  weighted(mulberry32(hashSeed(seed, tenant, 'kind', i)), kindWeights);

const baseTime = Date.UTC(2024, 0, 1);
const dayMs = 86_400_000;

/** The start of the UTC day of `ms`: the default collection time, so seeds of one day are identical. */
export const startOfUtcDay = (ms: number) => Math.floor(ms / dayMs) * dayMs;

/**
 * Collection purposes (consent or legal basis) by kind, with how often each set occurs. Most records were collected
 * for investigation work; some only for another purpose, and some carry no recorded basis at all, so the export
 * policy's purpose check has something to refuse.
 */
const purposeSets: Record<'PII' | 'FINANCIAL' | 'ENTITY', [string[], number][]> = {
  PII: [
    [['investigation', 'fraud-review'], 0.45],
    [['investigation'], 0.25],
    [['fraud-review'], 0.1],
    [['support'], 0.1],
    [[], 0.1],
  ],
  FINANCIAL: [
    [['fraud-review', 'investigation'], 0.6],
    [['fraud-review'], 0.3],
    [[], 0.1],
  ],
  ENTITY: [
    [['investigation', 'analytics'], 0.5],
    [['investigation'], 0.2],
    [['analytics'], 0.15],
    [['marketing'], 0.05],
    [[], 0.1],
  ],
};

/**
 * When and why a record was collected, from its own random stream (the other properties keep theirs): 85% in the
 * three weeks before `asOf`, inside every retention tier; 15% from a backlog of 30 days to about two years, past the
 * PII tier (30 days) and partly past the standard one (365 days), as records the retention sweep has not reached yet.
 */
function collection(seed: number, tenant: string, i: number, dataClass: 'PII' | 'FINANCIAL' | 'ENTITY', asOf: number) {
  const rng = mulberry32(hashSeed(seed, tenant, 'collection', i));
  const ageDays = rng() < 0.15 ? 30 + rng() * 700 : rng() * 21;
  return { createdAt: asOf - Math.floor(ageDays * dayMs), purposes: weighted(rng, purposeSets[dataClass]) };
}

/** The entity of index `i`: a pure function of (seed, tenant, i), so batches regenerate identically. */
export function seedEntity(seed: number, tenant: string, i: number, kinds: readonly EntityKind[], asOf: number) {
  const rng = mulberry32(hashSeed(seed, tenant, 'entity', i));
  const kind = kinds[i]!;
  let names: string[];
  let identifiers: string[] = [];
  const ident = (n: number) => {
    const scheme = { PERSON: 'passport', ORGANISATION: 'lei', ACCOUNT: 'iban', VEHICLE: 'vin' }[kind as string];
    return scheme ? [`${scheme}:${(hashSeed(seed, tenant, 'id', n) % 1e9).toString(36).toUpperCase()}`] : [];
  };
  // Some persons and organisations restate an earlier entity of the same kind as another source spelled it.
  const dupOf = (kind === 'PERSON' || kind === 'ORGANISATION') && i > 10 && rng() < 0.15 ? earlier(rng, kinds, i) : -1;
  if (dupOf >= 0) {
    const base = seedEntity(seed, tenant, dupOf, kinds, asOf);
    names = [nameVariant(rng, base.names[0]!)];
    if (rng() < 0.4) identifiers = base.identifiers;
  } else {
    names = [kind === 'PERSON' ? personName(rng) : kind === 'ORGANISATION' ? orgName(rng) : otherName(kind, rng, i)];
    if (rng() < 0.2) names.push(nameVariant(rng, names[0]!));
    if (rng() < 0.5) identifiers = ident(i);
  }
  const attributes =
    kind === 'PERSON' ? { birthYear: 1940 + Math.floor(rng() * 65) } : { score: Math.round(rng() * 100) };
  const dataClass = kind === 'PERSON' ? 'PII' : kind === 'ACCOUNT' ? 'FINANCIAL' : 'ENTITY';
  const collected = collection(seed, tenant, i, dataClass, asOf);
  return {
    id: seedEntityId(i),
    kind,
    names,
    identifiers,
    dupOf,
    props: {
      kind,
      names,
      nameTokens: nameTokens(names),
      identifiers,
      attributes: JSON.stringify(attributes),
      dataClass,
      purposes: collected.purposes,
      licence: pick(rng, ['PUBLIC', 'PARTNER_SHAREABLE', 'INTERNAL_ONLY', 'INTERNAL_ONLY', 'NO_EXPORT']),
      sources: JSON.stringify([{ system: pick(rng, ['registry', 'osint', 'partner-feed']), recordId: `r${i}` }]),
      createdAt: epochMs(collected.createdAt),
      updatedAt: epochMs(collected.createdAt),
    },
  };
}

function earlier(rng: Rng, kinds: readonly EntityKind[], i: number): number {
  for (let tries = 0; tries < 20; tries++) {
    const j = Math.floor(rng() * i);
    if (kinds[j] === kinds[i]) return j;
  }
  return -1;
}

/** The relationship of index `k`: typed by the kinds it connects, target picked with a power law (hubs). */
function seedEdge(seed: number, tenant: string, k: number, byKind: Map<EntityKind, number[]>) {
  const rng = mulberry32(hashSeed(seed, tenant, 'edge', k));
  const type = weighted(
    rng,
    relTypes.map((t) => [t, relShapes[t].weight] as [RelType, number]),
  );
  const shape = relShapes[type];
  const pool = (ks: EntityKind[]) =>
    byKind.get(
      pick(
        rng,
        ks.filter((x) => (byKind.get(x)?.length ?? 0) > 1),
      ) ?? ks[0]!,
    )!;
  const from = skewed(rng, pool(shape.from), 1.2);
  const targets = pool(shape.to);
  let to = skewed(rng, targets, 3);
  if (to === from) to = targets[(targets.indexOf(to) + 1) % targets.length]!;
  return {
    type,
    row: {
      from: seedEntityId(from),
      to: seedEntityId(to),
      props: {
        tenant,
        id: `r${String(k).padStart(8, '0')}`,
        properties: JSON.stringify({ weight: Math.round(rng() * 1000) / 1000 }),
        confidence: Math.round((0.5 + rng() / 2) * 100) / 100,
        since: rng() < 0.5 ? new Date(baseTime - Math.floor(rng() * 3.15e11)).toISOString() : null,
        createdAt: epochMs(baseTime + k),
      },
    },
  };
}

/** Kinds of a tenant's entities and their indexes by kind: what edges are drawn from. */
function tenantKinds(seed: number, tenant: string, n: number) {
  const kinds = Array.from({ length: n }, (_, i) => kindOf(seed, tenant, i));
  const byKind = new Map<EntityKind, number[]>();
  kinds.forEach((k, i) => {
    const list = byKind.get(k) ?? [];
    list.push(i);
    byKind.set(k, list);
  });
  return { kinds, byKind };
}

/**
 * One tenant's seeded graph in memory, exactly as {@link seedGraph} writes it (same pure functions): what the NLQ
 * evaluation computes expected answers from, independently of any Cypher.
 */
export function tenantGraph(seed: number, tenant: string, entities: number, edges: number, asOf: number) {
  const { kinds, byKind } = tenantKinds(seed, tenant, entities);
  return {
    asOf,
    entities: kinds.map((_, i) => seedEntity(seed, tenant, i, kinds, asOf)),
    edges: entities > 1 ? Array.from({ length: edges }, (_, k) => seedEdge(seed, tenant, k, byKind)) : [],
  };
}

/** How `seedGraph` splits entities and edges over tenants (tenant `i` of `parts`). */
export const share = (total: number, parts: number, i: number) =>
  Math.floor(total / parts) + (i < total % parts ? 1 : 0);

/**
 * Seeds `options.tenants` tenants (runs `migrate` first). Idempotent and resumable: batches already written are skipped.
 *
 * @example
 * const summary = await seedGraph(driver, { tenants: 3, entities: 100_000, edges: 500_000, seed: 42 }, console.log);
 */
export async function seedGraph(
  driver: Driver,
  options: SeedOptions,
  onProgress: (p: SeedProgress) => void = () => {},
): Promise<SeedSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5_000;
  await migrate(driver);
  const summary: SeedSummary = {
    tenants: [],
    entitiesPerTenant: [],
    edgesPerTenant: [],
    asOfPerTenant: [],
    batchesWritten: 0,
    batchesSkipped: 0,
    ms: 0,
  };
  const session = driver.session();
  try {
    for (let ti = 0; ti < options.tenants; ti++) {
      const tenant = seedTenant(options.seed, ti);
      const n = share(options.entities, options.tenants, ti);
      const m = n > 1 ? share(options.edges, options.tenants, ti) : 0;
      summary.tenants.push(tenant);
      summary.entitiesPerTenant.push(n);
      summary.edgesPerTenant.push(m);
      const recorded = await session.executeRead((tx) => tx.run(seedAsOfCypher.cypher, { tenant }));
      const first = recorded.records[0]?.get('asOf');
      const asOf = first == null ? (options.asOf ?? startOfUtcDay(Date.now())) : toNumber(first);
      summary.asOfPerTenant.push(asOf);
      const { kinds, byKind } = tenantKinds(options.seed, tenant, n);
      for (const [phase, total] of [
        ['entities', n],
        ['edges', m],
      ] as const) {
        for (let batch = 0, done = 0, skipped = 0; batch * batchSize < total; batch++) {
          const lo = batch * batchSize;
          const hi = Math.min(total, lo + batchSize);
          const marker = { tenant, phase, batch: int(batch) };
          const exists = await session.executeRead((tx) => tx.run(seedBatchDoneCypher.cypher, marker));
          if (exists.records[0]?.get('done') === true) {
            summary.batchesSkipped++;
            skipped += hi - lo;
          } else {
            await session.executeWrite(async (tx) => {
              if (phase === 'entities') {
                const rows = [];
                for (let i = lo; i < hi; i++) {
                  const e = seedEntity(options.seed, tenant, i, kinds, asOf);
                  rows.push({ id: e.id, props: e.props });
                }
                await tx.run(seedEntitiesCypher.cypher, { tenant, rows });
              } else {
                const byType = new Map<RelType, unknown[]>();
                for (let k = lo; k < hi; k++) {
                  const { type, row } = seedEdge(options.seed, tenant, k, byKind);
                  const list = byType.get(type) ?? [];
                  list.push(row);
                  byType.set(type, list);
                }
                for (const [type, rows] of byType) await tx.run(createRelsCypher[type].cypher, { tenant, rows });
              }
              await tx.run(markSeedBatchCypher.cypher, { ...marker, rows: int(hi - lo), asOf: int(asOf) });
            });
            summary.batchesWritten++;
          }
          done = hi;
          onProgress({ phase, tenant, done, total, skipped });
        }
      }
    }
  } finally {
    await session.close();
  }
  summary.ms = Date.now() - started;
  return summary;
}
