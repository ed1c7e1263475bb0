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

/** Creates or updates seeded entities from rows `{id, props}`. */
export const seedEntitiesCypher = write(
  'seedEntities',
  `UNWIND $rows AS row
MERGE (e:Entity {tenant: $tenant, id: row.id})
SET e += row.props`,
);

/** Whether a seed batch was written already (its marker exists). */
export const seedBatchDoneCypher = read(
  'seedBatchDone',
  'MATCH (b:SeedBatch {tenant: $tenant, phase: $phase, batch: $batch}) RETURN count(b) > 0 AS done',
);

/** The marker of a written seed batch, created in the batch's own transaction. */
export const markSeedBatchCypher = write(
  'markSeedBatch',
  'CREATE (:SeedBatch {tenant: $tenant, phase: $phase, batch: $batch, rows: $rows})',
);
