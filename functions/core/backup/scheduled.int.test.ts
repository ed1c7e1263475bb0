import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../infra/local/process.js';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { createDriver, migrate, Neo4jGraphRepository } from '../graph/index.js';
import { entityInput, linkInput } from '../graph/test-support/fixtures.js';
import { verifyBackup } from './graph-restore.js';
import { DirectoryObjectStore } from './object-store.js';
import { backupKey, scheduledBackup } from './scheduled.js';

let driver: Driver;
let dir: string;
beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrate(driver);
  dir = mkdtempSync(join(tmpdir(), 'graphgate-scheduled-backup-'));
});
afterAll(async () => {
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduled graph backup', () => {
  it('stores the backup and then its manifest under a dated key, checksummed, and leaves no work files', async () => {
    const tenant = testTenant('scheduled');
    const repo = new Neo4jGraphRepository(driver);
    for (const id of ['a', 'b']) await repo.upsertEntity(tenant, entityInput({ id, names: [`Name ${id}`] }));
    await repo.linkEntities(tenant, linkInput('a', 'b'));
    const work = mkdtempSync(join(dir, 'work-'));
    const bucket = join(dir, 'bucket');
    const now = new Date('2026-12-05T21:30:05.123Z');

    const result = await scheduledBackup({
      driver,
      store: new DirectoryObjectStore(bucket),
      workDir: work,
      now,
      tenants: [tenant],
    });

    expect(result.key).toBe('graph/2026/12/05/all-20261205T213005Z.ndjson.gz');
    expect(result.manifestKey).toBe(`${result.key}.json`);
    const stored = await verifyBackup(join(bucket, result.key));
    expect(stored.sha256).toBe(result.manifest.sha256);
    expect(stored.tenants).toMatchObject([{ tenant, nodes: 2, relationships: 1 }]);
    expect(readdirSync(work)).toEqual([]);
  });

  it('fails loudly when the graph cannot be read, storing nothing (what the backup alarm counts)', async () => {
    const unreachable = createDriver(`bolt://127.0.0.1:${await freePort()}`);
    const bucket = join(dir, 'bucket-down');
    const work = mkdtempSync(join(dir, 'work-down-'));
    try {
      await expect(
        scheduledBackup({ driver: unreachable, store: new DirectoryObjectStore(bucket), workDir: work }),
      ).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
    expect(existsSync(bucket)).toBe(false);
    expect(readdirSync(work)).toEqual([]);
    expect(backupKey(new Date('2027-01-02T03:04:05Z'))).toBe('graph/2027/01/02/all-20270102T030405Z.ndjson.gz');
  });
});
