/**
 * `npm run backup:graph -- [--tenant acme …] [--out backups/<name>.ndjson.gz] [--uri bolt://127.0.0.1:7687]` — a
 * logical backup of the graph: the named tenants, or the whole store without --tenant. Prints the manifest
 * (written beside the file as `<file>.json`, with the sha256 and each tenant's bookmarks).
 *
 * `npm run restore:graph -- --file <backup> [--tenant acme …] [--uri …]` — restores it into an empty store (or into
 * tenants that hold nothing); checks the sha256 first.
 *
 * `npm run backup:table -- --table graphgate-local-audit-ledger [--out …] [--dynamo-endpoint http://127.0.0.1:8000]` and
 * `npm run restore:table -- --file <backup> --table <empty table>` — the same for a DynamoDB table of the local twin
 * (deployed tables have PITR).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { BackupError, backupGraph, backupTable, restoreGraph, restoreTable } from '../functions/core/backup/index.js';
import { createDriver } from '../functions/core/graph/driver.js';
import { localRegion } from '../infra/local/elasticmq.js';
import { repoRoot } from '../infra/local/paths.js';
import { startPorts } from '../infra/local/twin.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', multiple: true },
    out: { type: 'string' },
    file: { type: 'string' },
    uri: { type: 'string' },
    table: { type: 'string' },
    'dynamo-endpoint': { type: 'string', default: `http://127.0.0.1:${startPorts.dynamo}` },
    region: { type: 'string', default: localRegion },
  },
});
const command = positionals[0];
const uri = values.uri ?? process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

async function tables(): Promise<void> {
  if (!values.table) throw new Error('--table <name> is required');
  const client = dynamoClient({ region: values.region!, endpoint: values['dynamo-endpoint'] });
  if (command === 'backup-table') {
    const file = values.out ?? join(repoRoot, '.run', 'backups', `${values.table}-${stamp}.ndjson.gz`);
    mkdirSync(dirname(file), { recursive: true });
    console.log(JSON.stringify(await backupTable(client, values.table, file), null, 2));
  } else {
    if (!values.file) throw new Error('--file <backup> is required');
    console.log(`restored ${await restoreTable(client, values.file, values.table)} items into ${values.table}`);
  }
}

async function main(): Promise<void> {
  if (command === 'backup-table' || command === 'restore-table') return tables();
  const driver = createDriver(uri);
  try {
    if (command === 'backup') {
      const file =
        values.out ??
        join(repoRoot, '.run', 'backups', `graph-${values.tenant ? 'tenants' : 'all'}-${stamp}.ndjson.gz`);
      mkdirSync(dirname(file), { recursive: true });
      const manifest = await backupGraph(driver, { file, tenants: values.tenant });
      console.log(JSON.stringify(manifest, null, 2));
      console.log(`backup written to ${file}`);
    } else if (command === 'restore') {
      if (!values.file) throw new Error('--file <backup> is required');
      const restored = await restoreGraph(driver, { file: values.file, tenants: values.tenant });
      for (const t of restored) console.log(`restored ${t.tenant}: ${t.nodes} nodes, ${t.relationships} relationships`);
    } else {
      throw new Error('usage: graph-backup.ts backup|restore|backup-table|restore-table [options]');
    }
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BackupError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
});
