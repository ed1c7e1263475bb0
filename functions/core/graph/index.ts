/** The graph area: repository port, Neo4j adapter, Cypher templates, entity write building blocks, migrations, errors. */
export * from './cypher/reads.js';
export type { CostHint, CypherKind, CypherTemplate, ReadTemplate } from './cypher/template.js';
export { createDriver, type DriverOptions } from './driver.js';
export { linkEntitiesTx, reclassifyEntityTx, upsertEntityTx, type WriteOptions } from './entity-writes.js';
export * from './errors.js';
export { type MergeSnapshot, mergeEntitiesTx, type SnapshotRel, unmergeTx, type WithTouched } from './merge.js';
export { migrate } from './migrations.js';
export { epochMs, toEntity, toExportEntity, toNumber, toRelationship } from './model.js';
export { nameTokens } from './name-tokens.js';
export { Neo4jGraphRepository, type RepositoryOptions } from './repository.js';
export * from './types.js';
