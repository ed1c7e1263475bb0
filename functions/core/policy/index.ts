/**
 * Policy client for functions and the edge: decisions from the OPA wasm build, scope fingerprints,
 * export transforms and decision log entries.
 */
export { type DecisionLogEntry, hashInput, toDecisionLogEntry } from './decision-log.js';
export { type AnyDecision, type DecisionOf, decisionSchemas, parseDecision, type Reason } from './decisions.js';
export { engineFrom, type PolicyEngine, type RawEvaluator } from './engine.js';
export { ENTRYPOINTS, type Entrypoint } from './entrypoints.js';
export * from './errors.js';
export { type ExportRecord, type ExportReport, type ExportRequest, transformExport } from './export-transform.js';
export { generaliseRow, generaliseValue, groupRows, MASK, type QuasiIdentifier } from './generalise.js';
export { anonymise, type KAnonReport, type KAnonRequest, type KAnonResult } from './kanonymity.js';
export {
  type CallerAttributes,
  createScopeResolver,
  fingerprintScope,
  resolveScope,
  type Scope,
  scopeFingerprint,
} from './scope.js';
export { createStaticPolicyEngine, type StaticAnswers } from './static-engine.js';
export {
  BUNDLE_FILES,
  createWasmPolicyEngine,
  defaultBundleDir,
  loadWasmPolicyEngine,
  type PolicyBundle,
  type RevisionFile,
  readPolicyBundle,
} from './wasm-engine.js';
export { decideWrite, type WriteDecision, type WriteRequest } from './write.js';
