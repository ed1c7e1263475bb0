/**
 * Restore of a logical graph backup into an empty store (or into tenants that hold nothing): the file's sha256 is
 * checked against its manifest first, then the schema is migrated, then each tenant section is streamed in batches —
 * nodes under a transient label keyed by their backup ordinal, then relationships, then the transient label is removed.
 * Counts are checked against each section's end line, so a restore that wrote less than the backup holds fails.
 */
import { readFile } from 'node:fs/promises';
import type { Driver } from 'neo4j-driver';
import {
  finishRestoreCypher,
  restoreKeyIndexCypher,
  restoreNodesCypher,
  restoreRelationshipsCypher,
  tenantNodeCountCypher,
} from '../graph/cypher/backup.js';
import { migrate } from '../graph/migrations.js';
import { int, toNumber } from '../graph/model.js';
import { BackupChecksumError, BackupFormatError, RestoreTargetNotEmptyError } from './errors.js';
import { type BackupLine, type BackupManifest, graphBackupFormat } from './format.js';
import { manifestPath } from './graph-backup.js';
import { readLines, sha256File } from './streams.js';
import { decodeProps } from './values.js';

export interface GraphRestoreOptions {
  file: string;
  /** Restore only these tenants of the backup; omitted: all of them. */
  tenants?: readonly string[];
  /** Rows per write transaction. @default 500 */
  batch?: number;
  database?: string;
}

export interface RestoredTenant {
  tenant: string;
  nodes: number;
  relationships: number;
}

/** Reads a backup's manifest and checks the file against it (BACKUP_CHECKSUM_MISMATCH when they differ). */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await readFile(manifestPath(file), 'utf8')) as BackupManifest;
  if (manifest.format !== graphBackupFormat) throw new BackupFormatError(`unknown backup format ${manifest.format}`);
  const found = await sha256File(file);
  if (found !== manifest.sha256) throw new BackupChecksumError(file, manifest.sha256, found);
  return manifest;
}

/** Writes one tenant's section in batches and returns what it wrote. */
class TenantWriter {
  readonly restored: RestoredTenant;
  #nodes: Record<string, unknown>[] = [];
  #rels: Record<string, unknown>[] = [];

  constructor(
    private readonly driver: Driver,
    tenant: string,
    private readonly batch: number,
    private readonly database?: string,
  ) {
    this.restored = { tenant, nodes: 0, relationships: 0 };
  }

  async ensureEmpty(): Promise<void> {
    const { records } = await this.#run(tenantNodeCountCypher.cypher, {});
    const nodes = toNumber(records[0]?.get('nodes'));
    if (nodes > 0) throw new RestoreTargetNotEmptyError(`tenant ${this.restored.tenant}`, nodes, 'nodes');
  }

  async node(line: Extract<BackupLine, { t: 'n' }>) {
    this.#nodes.push({ key: line.k, labels: line.l, props: decodeProps(line.p) });
    if (this.#nodes.length >= this.batch) await this.#flushNodes();
  }

  async relationship(line: Extract<BackupLine, { t: 'r' }>) {
    // Relationships follow every node of their section, so the nodes are all written before the first one.
    await this.#flushNodes();
    this.#rels.push({ from: line.f, to: line.to, type: line.y, props: decodeProps(line.p) });
    if (this.#rels.length >= this.batch) await this.#flushRels();
  }

  async finish(end: Extract<BackupLine, { t: 'end' }>): Promise<RestoredTenant> {
    await this.#flushNodes();
    await this.#flushRels();
    for (;;) {
      const { records } = await this.#run(finishRestoreCypher.cypher, { batch: int(this.batch) });
      if (toNumber(records[0]?.get('finished')) === 0) break;
    }
    const { nodes, relationships } = this.restored;
    if (nodes !== end.nodes || relationships !== end.relationships) {
      throw new BackupFormatError(
        `tenant ${end.tenant}: restored ${nodes} nodes and ${relationships} relationships, the backup holds ${end.nodes} and ${end.relationships}`,
      );
    }
    return this.restored;
  }

  async #flushNodes() {
    if (this.#nodes.length === 0) return;
    const rows = this.#nodes;
    this.#nodes = [];
    await this.#run(restoreNodesCypher.cypher, { rows });
    this.restored.nodes += rows.length;
  }

  async #flushRels() {
    if (this.#rels.length === 0) return;
    const rows = this.#rels;
    this.#rels = [];
    const { records } = await this.#run(restoreRelationshipsCypher.cypher, { rows });
    this.restored.relationships += toNumber(records[0]?.get('created'));
  }

  #run(cypher: string, params: Record<string, unknown>) {
    return this.driver.executeQuery(cypher, { ...params, tenant: this.restored.tenant }, { database: this.database });
  }
}

/**
 * Restores a backup written by `backupGraph`; refuses a tenant that already holds nodes (RESTORE_TARGET_NOT_EMPTY).
 * @example
 * await restoreGraph(driver, { file: 'backups/all-20261205T180000Z.ndjson.gz' });
 */
export async function restoreGraph(driver: Driver, options: GraphRestoreOptions): Promise<RestoredTenant[]> {
  await verifyBackup(options.file);
  await migrate(driver, { database: options.database });
  await driver.executeQuery(restoreKeyIndexCypher.cypher, {}, { database: options.database });
  const only = options.tenants ? new Set(options.tenants) : undefined;
  const restored: RestoredTenant[] = [];
  let writer: TenantWriter | undefined;
  let header = false;
  let trailer = false;
  for await (const line of readLines<BackupLine>(options.file)) {
    if (line.t === 'header') {
      if (line.format !== graphBackupFormat) throw new BackupFormatError(`unknown backup format ${line.format}`);
      header = true;
    } else if (line.t === 'tenant') {
      writer =
        only && !only.has(line.tenant)
          ? undefined
          : new TenantWriter(driver, line.tenant, options.batch ?? 500, options.database);
      await writer?.ensureEmpty();
    } else if (line.t === 'n') await writer?.node(line);
    else if (line.t === 'r') await writer?.relationship(line);
    else if (line.t === 'end') {
      if (writer) restored.push(await writer.finish(line));
      writer = undefined;
    } else if (line.t === 'trailer') trailer = true;
  }
  if (!header || !trailer)
    throw new BackupFormatError(`${options.file} is not a complete backup (header or trailer missing)`);
  return restored;
}
