/**
 * Entity resolution: schemas, normalisation, similarity, scoring and bands, blocking, the exactly-once graph effect and
 * its ledger outbox, idempotency, the pipeline.
 */

export { lockAndMarkEventsTx } from './applied-marker.js';
export { applyEvent, applyEvents, type EffectOutcome, entityIdFor, erActor } from './apply.js';
export { type BlockingCandidate, blockingCandidatesTx } from './blocking.js';
export * from './config.js';
export * from './errors.js';
export * from './group-commit.js';
export * from './idempotency.js';
export { type LedgerChainOptions, ledgerChainer, recordLedgerSeq } from './ledger-outbox.js';
export { migrateEr } from './migrations.js';
export * from './normalise.js';
export * from './pipeline.js';
export * from './schemas.js';
export * from './score.js';
export * from './similarity.js';
