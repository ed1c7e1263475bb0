/** Logical backups of the graph (per tenant or whole store) and of DynamoDB tables, and their restore into empty stores. */
export * from './errors.js';
export * from './format.js';
export { backupGraph, type GraphBackupOptions, listTenants, manifestPath } from './graph-backup.js';
export { type GraphRestoreOptions, type RestoredTenant, restoreGraph, verifyBackup } from './graph-restore.js';
export { type BackupObjectStore, DirectoryObjectStore } from './object-store.js';
export { backupKey, type ScheduledBackupOptions, type ScheduledBackupResult, scheduledBackup } from './scheduled.js';
export { readLines, sha256File, type WrittenFile, writeLines } from './streams.js';
export { backupTable, restoreTable, type TableManifest } from './table-backup.js';
export { decodeProps, decodeValue, type EncodedValue, encodeProps, encodeValue } from './values.js';
