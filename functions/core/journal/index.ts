/** The write journal of acknowledged writes, replayed after a graph restore (see types.ts). */
export { type DynamoDbJournalOptions, DynamoDbWriteJournal } from './dynamodb-journal.js';
export { MemoryWriteJournal } from './memory-journal.js';
export { defaultEventLookbackMs, type ReplayDeps, type ReplayReport, replayJournal } from './replay.js';
export type { JournalEntry, JournalPayload, WriteJournal } from './types.js';
