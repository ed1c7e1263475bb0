/**
 * The scheduled whole-store backup: a logical backup of every tenant (graph-backup.ts) into a work directory, then
 * the file and its manifest into the object store under a dated key. Any failure throws — the scheduled function's
 * error is what the backup alarm counts — and the local files are removed either way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import type { BackupManifest } from './format.js';
import { backupGraph, manifestPath } from './graph-backup.js';
import type { BackupObjectStore } from './object-store.js';

export interface ScheduledBackupOptions {
  driver: Driver;
  store: BackupObjectStore;
  /** Where the file is written before upload (Lambda: /tmp, sized by the stack). */
  workDir: string;
  now?: Date;
  /** Only these tenants. @default every tenant of the store (what the schedule runs) */
  tenants?: readonly string[];
}

/** What a run stored: the object keys and the manifest's summary. */
export interface ScheduledBackupResult {
  key: string;
  manifestKey: string;
  manifest: BackupManifest;
}

/** The object key of a backup started at `now`: `graph/YYYY/MM/DD/all-<compact ISO>.ndjson.gz`. */
export function backupKey(now: Date): string {
  const iso = now.toISOString();
  const stamp = iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `graph/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/all-${stamp}.ndjson.gz`;
}

/** Backs up every tenant and stores file and manifest; throws on any failure. */
export async function scheduledBackup(options: ScheduledBackupOptions): Promise<ScheduledBackupResult> {
  const key = backupKey(options.now ?? new Date());
  const dir = await mkdtemp(join(options.workDir, 'graph-backup-'));
  try {
    const file = join(dir, key.split('/').at(-1)!);
    const manifest = await backupGraph(options.driver, { file, tenants: options.tenants });
    const manifestKey = `${key}.json`;
    // The manifest last: a listed manifest means its backup file is complete.
    await options.store.put(key, file, 'application/gzip');
    await options.store.put(manifestKey, manifestPath(file), 'application/json');
    return { key, manifestKey, manifest };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
