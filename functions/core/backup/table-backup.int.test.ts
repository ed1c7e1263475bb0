import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTables } from '../../../infra/local/dynalite.js';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../audit/dynamodb-ledger.js';
import { verifyLedger } from '../audit/verify.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { tableName, tables } from '../resources/index.js';
import { readLines } from './streams.js';
import { backupTable, restoreTable } from './table-backup.js';

const dir = mkdtempSync(join(tmpdir(), 'graphgate-table-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DynamoDB table export and restore (the local path beside PITR)', () => {
  it('restores the audit ledger into an empty table of another stage: same items, chains still verify', async () => {
    const t = twin();
    const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
    const source = tableName('local', tables.auditLedger);
    const tenant = testTenant('table-backup');
    const ledger = new DynamoDbAuditLedger({ client, tableName: source });
    for (let i = 0; i < 30; i++)
      await ledger.append(tenant, { kind: 'test.entry', actor: 'tester', data: { i, f: 0.5 } });
    const head = await ledger.head(tenant);
    const file = join(dir, 'ledger.ndjson.gz');

    const manifest = await backupTable(client, source, file);
    const stage = `restore${Date.now().toString(36)}`;
    const target = (await createTables(t.dynamoEndpoint, stage)).auditLedger!;
    const restored = await restoreTable(client, file, target);

    expect(restored).toBe(manifest.items);
    expect(manifest.items).toBeGreaterThanOrEqual(30);
    const copy = new DynamoDbAuditLedger({ client, tableName: target });
    expect(await verifyLedger(tenant, copy.read(tenant))).toMatchObject({ ok: true, lastSeq: 30 });
    expect((await copy.head(tenant))?.hash).toBe(head?.hash);
    let exported = 0;
    for await (const _ of readLines(file)) exported++;
    expect(exported).toBe(manifest.items);
    await expect(restoreTable(client, file, target)).rejects.toMatchObject({ code: 'RESTORE_TARGET_NOT_EMPTY' });
  });
});
