/** The export area: policy view of entities, the pipeline with its decision log, and its errors. */
export * from './errors.js';
export { type ExportInput, type ExportOutcome, runExport } from './pipeline.js';
export { attributeClasses, directIdentifiers, type ExportKind, toExportRecord } from './record.js';
export { type RecordedDecision, type RecordingEngine, recordingEngine } from './recording-engine.js';
