/** Entity resolution: schemas, normalisation, similarity, scoring and bands, the exactly-once graph effect, pipeline. */
export * from './config.js';
export {
  applyEvent,
  applyEventTx,
  type EffectOutcome,
  entityIdFor,
  erActor,
  migrateEr,
  recordLedgerSeq,
} from './effect.js';
export * from './errors.js';
export * from './normalise.js';
export * from './pipeline.js';
export * from './schemas.js';
export * from './score.js';
export * from './similarity.js';
