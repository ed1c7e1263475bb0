/**
 * Scheduled graph backup (EventBridge rule in infra/cdk/stacks/backup-stack.ts): every tenant, streamed to /tmp,
 * then file and manifest to the backup bucket. A thin handler: the backup itself is functions/core/backup. A failure
 * throws, so the function's Errors metric — what the stack's alarm reads — counts it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { scheduledBackup } from '../core/backup/scheduled.js';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { createDriver } from '../core/graph/driver.js';
import { loadBackupConfig } from './config.js';
import { S3ObjectStore } from './s3-store.js';

// Built once per container; a bad configuration fails the cold start with the variable's name.
const runtime = resolveSecretEnv().then(() => {
  const config = loadBackupConfig();
  const driver = createDriver(config.neo4j.uri, { user: config.neo4j.user, password: config.neo4j.password });
  const store = new S3ObjectStore(new S3Client({ region: config.region }), config.bucket);
  return { config, driver, store };
});

/** The scheduled event carries nothing the backup needs; the summary goes to the logs and back to the caller. */
export async function handler(): Promise<{ key: string; tenants: number; compressedBytes: number; sha256: string }> {
  const { config, driver, store } = await runtime;
  const { key, manifest } = await scheduledBackup({ driver, store, workDir: config.workDir });
  const summary = {
    key,
    tenants: manifest.tenants.length,
    compressedBytes: manifest.compressedBytes,
    sha256: manifest.sha256,
  };
  console.log(JSON.stringify({ msg: 'graph backup stored', bucket: config.bucket, ...summary }));
  return summary;
}
