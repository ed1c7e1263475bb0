import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeo4j } from '../../../infra/local/neo4j.js';
import { cacheDir } from '../../../infra/local/paths.js';
import { freePort } from '../../../infra/local/process.js';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { createDriver, migrate, Neo4jGraphRepository } from '../graph/index.js';
import { entityInput, linkInput } from '../graph/test-support/fixtures.js';
import { BackupError } from './errors.js';
import { backupGraph, manifestPath } from './graph-backup.js';
import { restoreGraph } from './graph-restore.js';
import { graphSnapshot, wipe } from './test-support/snapshot.js';

let driver: Driver;
let dir: string;

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrate(driver);
  dir = mkdtempSync(join(tmpdir(), 'graphgate-backup-test-'));
});
afterAll(async () => {
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tenant with entities, typed relationships, a merge (MergeRecord, moved edges) and every awkward value type. */
async function populate(d: Driver, tenant: string) {
  const repo = new Neo4jGraphRepository(d);
  for (const id of ['a', 'b', 'c', 'd'])
    await repo.upsertEntity(tenant, entityInput({ id, names: [`Name ${id}`], attributes: { n: 1, f: 0.5 } }));
  await repo.linkEntities(tenant, linkInput('a', 'b', { confidence: 0.25, properties: { note: 'x' } }));
  await repo.linkEntities(tenant, linkInput('c', 'b', { type: 'WORKS_FOR', since: '2001-02-03T04:05:06.000Z' }));
  await repo.linkEntities(tenant, linkInput('d', 'a', { type: 'OWNS' }));
  await repo.mergeEntity(tenant, { survivorId: 'a', mergedId: 'd', actor: 'tester' });
  await d.executeQuery(
    `MATCH (a:Entity {tenant: $tenant, id: 'a'})
     CREATE (a)-[:RELATED_TO {tenant: $tenant, big: 9007199254740993, f: -0.0, nan: 0.0/0.0}]->(a)
     CREATE (x:Odd:Extra {tenant: $tenant, at: datetime('2026-12-05T17:40:01.123456789+01:00'),
       day: date('2026-12-05'), dur: duration('P1M2DT3.000000004S'), p: point({x: 1.5, y: 2.5}),
       list: [1, 2, 3], floats: [0.1, 1e300], empty: [], flag: false, text: 'héllo ✓'})
     CREATE (x)-[:RELATED_TO {tenant: $tenant}]->(a)`,
    { tenant },
  );
}

describe('graph backup and restore', () => {
  it('restores a tenant exactly: every node, relationship and property, with its type', async () => {
    const [t1, t2] = [testTenant('backup'), testTenant('backup')];
    await populate(driver, t1);
    await populate(driver, t2);
    const before = [await graphSnapshot(driver, t1), await graphSnapshot(driver, t2)];
    expect(before[0]!.nodes.length).toBe(6); // 4 entities, the merge record, the odd node
    const file = join(dir, 'tenants.ndjson.gz');

    const manifest = await backupGraph(driver, { tenants: [t1, t2], file });
    await wipe(driver, t1);
    await wipe(driver, t2);
    expect((await graphSnapshot(driver, t1)).nodes).toEqual([]);
    const restored = await restoreGraph(driver, { file });

    expect(manifest.tenants.map((t) => [t.tenant, t.nodes, t.relationships])).toEqual(
      restored.map((t) => [t.tenant, t.nodes, t.relationships]),
    );
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.compressedBytes).toBeLessThan(manifest.uncompressedBytes);
    expect(manifest.tenants[0]!.bookmarkBefore.length).toBe(1);
    expect([await graphSnapshot(driver, t1), await graphSnapshot(driver, t2)]).toEqual(before);
  });

  it('restores one tenant of a backup alone, and refuses a tenant that holds data', async () => {
    const [t1, t2] = [testTenant('backup-one'), testTenant('backup-one')];
    await populate(driver, t1);
    await populate(driver, t2);
    const file = join(dir, 'one.ndjson.gz');
    await backupGraph(driver, { tenants: [t1, t2], file });
    const expected = await graphSnapshot(driver, t2);
    await wipe(driver, t2);

    await expect(restoreGraph(driver, { file, tenants: [t1] })).rejects.toMatchObject({
      code: 'RESTORE_TARGET_NOT_EMPTY',
    });
    await restoreGraph(driver, { file, tenants: [t2] });
    expect(await graphSnapshot(driver, t2)).toEqual(expected);
  });

  it('refuses a changed or truncated file before writing anything', async () => {
    const tenant = testTenant('backup-bad');
    await populate(driver, tenant);
    const file = join(dir, 'bad.ndjson.gz');
    await backupGraph(driver, { tenants: [tenant], file });
    await wipe(driver, tenant);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));

    const error = await restoreGraph(driver, { file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect(error).toMatchObject({ code: 'BACKUP_CHECKSUM_MISMATCH' });
    expect((await graphSnapshot(driver, tenant)).nodes).toEqual([]);
    expect(JSON.parse(readFileSync(manifestPath(file), 'utf8')).tenants[0].tenant).toBe(tenant);
  });
});

describe('whole-store backup', () => {
  it('restores every tenant of a store into an empty store', { timeout: 180_000 }, async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'graphgate-backup-store-'));
    const neo = await startNeo4j(
      { runDir, cacheDir, persistent: false },
      { port: await freePort(), heap: '384m', pageCache: '32m' },
    );
    const store = createDriver(neo.url);
    try {
      await migrate(store);
      for (const t of ['acme', 'globex', 'initech']) await populate(store, t);
      const before = await graphSnapshot(store, null);
      const file = join(runDir, 'all.ndjson.gz');

      const manifest = await backupGraph(store, { file });
      await wipe(store, null);
      await restoreGraph(store, { file });

      expect(manifest.scope).toBe('all');
      expect(manifest.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex', 'initech']);
      expect(manifest.tenants.every((t) => t.exact)).toBe(true);
      expect(before.nodes.length).toBe(18);
      expect(await graphSnapshot(store, null)).toEqual(before);
    } finally {
      await store.close();
      await neo.stop();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
