/** Entity resolution: schemas, normalisation, similarity, scoring and bands, the exactly-once graph effect, pipeline. */
export * from './config.js';
export {
  applyEvent,
  applyEvents,
  applyEventTx,
  type EffectOutcome,
  entityIdFor,
  erActor,
  migrateEr,
  recordLedgerSeq,
  recordLedgerSeqs,
} from './effect.js';
export * from './errors.js';
export * from './group-commit.js';
export * from './normalise.js';
export * from './pipeline.js';
export * from './schemas.js';
export * from './score.js';
export * from './similarity.js';
