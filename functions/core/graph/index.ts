/** The graph area: repository port, Neo4j adapter, write building blocks for ER, migrations, errors. */
export type { CostHint, CypherTemplate } from './cypher.js';
export {
  allRelTypes,
  exportByIdsCypher,
  exportByKindsCypher,
  getEntityCypher,
  neighborhoodRelsCypher,
  neighborsCypher,
  pathCypher,
  searchCypher,
} from './cypher.js';
export { createDriver, type DriverOptions } from './driver.js';
export * from './errors.js';
export { type MergeSnapshot, mergeEntitiesTx, type SnapshotRel, unmergeTx, type WithTouched } from './merge.js';
export { migrate, migrationStatements } from './migrations.js';
export { epochMs, nameTokens, toEntity, toExportEntity, toNumber, toRelationship } from './model.js';
export { Neo4jGraphRepository, type RepositoryOptions } from './repository.js';
export {
  type BlockingCandidate,
  blockingCandidatesTx,
  linkEntitiesTx,
  markEventAppliedTx,
  upsertEntityTx,
  type WriteOptions,
} from './tx.js';
export * from './types.js';
