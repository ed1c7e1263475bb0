/** The audit area: ledger port, DynamoDB and in-memory adapters, hashing and the verifier. */
export { entryHash, genesisHash, nextEntry } from './chain.js';
export { DynamoDbAuditLedger, type DynamoDbLedgerOptions } from './dynamodb-ledger.js';
export * from './errors.js';
export { MemoryAuditLedger } from './memory-ledger.js';
export type * from './types.js';
export { type BreakKind, type LedgerBreak, type VerifyReport, verifyLedger } from './verify.js';
