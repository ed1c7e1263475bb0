/** Logical backups of the graph (per tenant or whole store) and their restore into an empty store. */
export * from './errors.js';
export * from './format.js';
export { backupGraph, type GraphBackupOptions, listTenants, manifestPath } from './graph-backup.js';
export {
  type GraphRestoreOptions,
  type RestoredTenant,
  restoreGraph,
  sha256File,
  verifyBackup,
} from './graph-restore.js';
export { decodeProps, decodeValue, type EncodedValue, encodeProps, encodeValue } from './values.js';
