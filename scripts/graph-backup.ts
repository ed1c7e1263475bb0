/**
 * `npm run backup:graph -- [--tenant acme …] [--out backups/<name>.ndjson.gz] [--uri bolt://127.0.0.1:7687]` — a
 * logical backup of the graph: the named tenants, or the whole store without --tenant. Prints the manifest
 * (written beside the file as `<file>.json`, with the sha256 and each tenant's bookmarks).
 *
 * `npm run restore:graph -- --file <backup> [--tenant acme …] [--uri …]` — restores it into an empty store (or into
 * tenants that hold nothing); checks the sha256 first.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, backupGraph, restoreGraph } from '../functions/core/backup/index.js';
import { createDriver } from '../functions/core/graph/driver.js';
import { repoRoot } from '../infra/local/paths.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', multiple: true },
    out: { type: 'string' },
    file: { type: 'string' },
    uri: { type: 'string' },
  },
});
const command = positionals[0];
const uri = values.uri ?? process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

async function main(): Promise<void> {
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
      throw new Error('usage: graph-backup.ts backup|restore [options]');
    }
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BackupError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
});
