/** The write journal of acknowledged writes, replayed after a graph restore (see types.ts). */
export { type DynamoDbJournalOptions, DynamoDbWriteJournal } from './dynamodb-journal.js';
export { JournalError, JournalUnavailableError } from './errors.js';
export { type JournaledWriteOptions, journaledWrite } from './intent.js';
export { MemoryWriteJournal } from './memory-journal.js';
export {
  defaultEventLookbackMs,
  type ReplayDeps,
  type ReplayReport,
  replayJournal,
  tenantsToReplay,
} from './replay.js';
export type { JournalEntry, JournalPayload, WriteJournal } from './types.js';
