/**
 * Templates for the local twin, the seeder and the load runners: never on a request path, tenant-scoped like the rest.
 */
import { probe, read, write } from './template.js';

/** Answers without touching data: the twin's liveness probe. */
export const pingCypher = probe('ping', 'RETURN 1 AS ok');

/** Live entity ids of a tenant in id order, optionally of one data class (`$dataClass` null: every class). */
export const entityIdsCypher = read(
  'entityIds',
  `MATCH (e:Entity {tenant: $tenant})
WHERE e.mergedInto IS NULL AND ($dataClass IS NULL OR e.dataClass = $dataClass)
RETURN e.id AS id
ORDER BY e.id
LIMIT $limit`,
);

/**
 * Live entities of a tenant with their degree (every relationship, both directions; counted from the store's degree
 * records), lowest first: benchmarks draw centres across the whole degree distribution from it, hubs included.
 */
export const entityDegreesCypher = read(
  'entityDegrees',
  `MATCH (e:Entity {tenant: $tenant})
WHERE e.mergedInto IS NULL
RETURN e.id AS id, COUNT { (e)--() } AS degree
ORDER BY degree, id`,
);

/** Creates or updates seeded entities from rows `{id, props}`. */
export const seedEntitiesCypher = write(
  'seedEntities',
  `UNWIND $rows AS row
MERGE (e:Entity {tenant: $tenant, id: row.id})
SET e += row.props`,
);

/**
 * Whether a seed batch was written already (its marker exists). An entity batch marked before seeds carried their
 * collection time (`asOf`) counts as not written, so a rerun rewrites those entities in place (MERGE by id);
 * relationship batches are created, never rewritten.
 */
export const seedBatchDoneCypher = read(
  'seedBatchDone',
  `MATCH (b:SeedBatch {tenant: $tenant, phase: $phase, batch: $batch})
WHERE $phase = 'edges' OR b.asOf IS NOT NULL
RETURN count(b) > 0 AS done`,
);

/** The collection time (epoch ms) a tenant's seed was generated at, or null when none was recorded. */
export const seedAsOfCypher = read(
  'seedAsOf',
  `MATCH (b:SeedBatch {tenant: $tenant})
WHERE b.asOf IS NOT NULL
RETURN min(b.asOf) AS asOf`,
);

/** The marker of a written seed batch and the collection time its records were generated for, in the batch's own transaction. */
export const markSeedBatchCypher = write(
  'markSeedBatch',
  `MERGE (b:SeedBatch {tenant: $tenant, phase: $phase, batch: $batch})
SET b.rows = $rows, b.asOf = $asOf`,
);
