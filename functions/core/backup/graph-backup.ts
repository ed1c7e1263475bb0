/**
 * Logical backup of the graph, per tenant or of the whole store: streamed from one read transaction per tenant
 * through gzip to a file, hashed on the way (sha256 of the compressed bytes), with a manifest beside it. Memory holds
 * only a map of node element id → ordinal for the tenant being read (files: streams.ts).
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { backupNodesCypher, backupRelationshipsCypher, backupTenantsCypher } from '../graph/cypher/backup.js';
import { pingCypher } from '../graph/cypher/tooling.js';
import { CrossTenantRelationshipError } from './errors.js';
import { type BackupLine, type BackupManifest, graphBackupFormat, type TenantSummary } from './format.js';
import { writeLines } from './streams.js';
import { encodeProps } from './values.js';

export interface GraphBackupOptions {
  /** Tenants to back up; omitted: every tenant of the store (a whole-store backup). */
  tenants?: readonly string[];
  /** The backup file (`….ndjson.gz`); the manifest goes to `<file>.json`. */
  file: string;
  database?: string;
}

/** Every tenant that holds data, in id order. */
export async function listTenants(driver: Driver, database?: string): Promise<string[]> {
  const { records } = await driver.executeQuery(backupTenantsCypher.cypher, {}, { database, routing: 'READ' });
  return records.map((r) => r.get('tenant') as string);
}

/** The store's bookmark now: a read transaction's bookmark names the last transaction committed before it. */
async function currentBookmark(driver: Driver, database?: string): Promise<string[]> {
  const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
  try {
    await session.executeRead((tx) => tx.run(pingCypher.cypher));
    return session.lastBookmarks();
  } finally {
    await session.close();
  }
}

/** One tenant's section, read in a single read transaction; `summary` is filled once the generator is done. */
async function* tenantSection(
  driver: Driver,
  tenant: string,
  summary: TenantSummary,
  database?: string,
): AsyncGenerator<BackupLine> {
  summary.bookmarkBefore = await currentBookmark(driver, database);
  const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
  const keys = new Map<string, number>();
  try {
    const tx = session.beginTransaction();
    try {
      yield { t: 'tenant', tenant };
      for await (const record of tx.run(backupNodesCypher.cypher, { tenant })) {
        const k = keys.size;
        keys.set(record.get('key') as string, k);
        yield { t: 'n', k, l: record.get('labels') as string[], p: encodeProps(record.get('props')) };
      }
      summary.nodes = keys.size;
      for await (const record of tx.run(backupRelationshipsCypher.cypher, { tenant })) {
        const type = record.get('type') as string;
        if (record.get('sameTenant') !== true) throw new CrossTenantRelationshipError(tenant, type);
        const f = keys.get(record.get('from') as string);
        const to = keys.get(record.get('to') as string);
        // Read committed: a node created after the node scan is not in `keys`; neither is it in this backup.
        if (f === undefined || to === undefined) {
          summary.danglingRelationships++;
          continue;
        }
        summary.relationships++;
        yield { t: 'r', f, to, y: type, p: encodeProps(record.get('props')) };
      }
      await tx.commit();
    } finally {
      if (tx.isOpen()) await tx.rollback();
    }
  } finally {
    await session.close();
  }
  summary.bookmarkAfter = await currentBookmark(driver, database);
  summary.exact = summary.bookmarkBefore.join() === summary.bookmarkAfter.join() && summary.danglingRelationships === 0;
  yield { t: 'end', ...summary };
}

/**
 * Writes a backup of the given tenants (or of every tenant) and its manifest; returns the manifest.
 * @example
 * const manifest = await backupGraph(driver, { file: 'backups/all-20261205T180000Z.ndjson.gz' });
 */
export async function backupGraph(driver: Driver, options: GraphBackupOptions): Promise<BackupManifest> {
  const startedAt = new Date().toISOString();
  const tenants = options.tenants ? [...options.tenants] : await listTenants(driver, options.database);
  const summaries: TenantSummary[] = [];
  async function* lines(): AsyncGenerator<BackupLine> {
    yield { t: 'header', format: graphBackupFormat, startedAt };
    for (const tenant of tenants) {
      const summary: TenantSummary = {
        tenant,
        nodes: 0,
        relationships: 0,
        bookmarkBefore: [],
        bookmarkAfter: [],
        exact: false,
        danglingRelationships: 0,
      };
      summaries.push(summary);
      yield* tenantSection(driver, tenant, summary, options.database);
    }
    yield { t: 'trailer', tenants: tenants.length };
  }
  const written = await writeLines(options.file, lines());
  const manifest: BackupManifest = {
    format: graphBackupFormat,
    file: basename(options.file),
    scope: options.tenants ? [...options.tenants] : 'all',
    startedAt,
    finishedAt: new Date().toISOString(),
    ...written,
    tenants: summaries,
  };
  await writeFile(manifestPath(options.file), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Where the manifest of a backup file lives. */
export const manifestPath = (file: string) => `${file}.json`;
