/**
 * Export and restore of a DynamoDB table for the local twin (deployed tables have PITR, enabled by the CDK data stack;
 * this is the path where there is no PITR, and a way to move a table's items between stages). Items are written in
 * their AttributeValue form, so every type comes back exactly; the file is gzip NDJSON with a sha256 manifest, like a
 * graph backup. A restore goes into an empty table only.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { BackupChecksumError, BackupFormatError, RestoreTargetNotEmptyError } from './errors.js';
import { manifestPath } from './graph-backup.js';
import { readLines, sha256File, writeLines } from './streams.js';

export const tableBackupFormat = 'graphgate-table-backup/1';

export interface TableManifest {
  format: string;
  file: string;
  table: string;
  startedAt: string;
  finishedAt: string;
  items: number;
  sha256: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

type Item = Record<string, AttributeValue>;

async function* scan(client: DynamoDBClient, table: string, counter: { items: number }): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    // Strongly consistent: every write acknowledged before the page was read is in it.
    const page = await client.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      counter.items++;
      yield item;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Writes every item of `table` to `file` and its manifest beside it. */
export async function backupTable(client: DynamoDBClient, table: string, file: string): Promise<TableManifest> {
  const startedAt = new Date().toISOString();
  const counter = { items: 0 };
  const written = await writeLines(file, scan(client, table, counter));
  const manifest: TableManifest = {
    format: tableBackupFormat,
    file: basename(file),
    table,
    startedAt,
    finishedAt: new Date().toISOString(),
    items: counter.items,
    ...written,
  };
  await writeFile(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function putAll(client: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
    [table]: items.map((Item) => ({ PutRequest: { Item } })),
  };
  for (let attempt = 0; request?.[table]?.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: request }));
    request = out.UnprocessedItems as typeof request;
  }
}

/** Restores a table backup into `table`, which must be empty; returns the number of items written. */
export async function restoreTable(client: DynamoDBClient, file: string, table: string): Promise<number> {
  const manifest = JSON.parse(await readFile(manifestPath(file), 'utf8')) as TableManifest;
  if (manifest.format !== tableBackupFormat)
    throw new BackupFormatError(`unknown table backup format ${manifest.format}`);
  const found = await sha256File(file);
  if (found !== manifest.sha256) throw new BackupChecksumError(file, manifest.sha256, found);
  const probe = await client.send(new ScanCommand({ TableName: table, Limit: 1 }));
  if ((probe.Items?.length ?? 0) > 0) throw new RestoreTargetNotEmptyError(`table ${table}`, 1, 'items');
  let batch: Item[] = [];
  let items = 0;
  for await (const item of readLines<Item>(file)) {
    batch.push(item);
    if (batch.length === 25) {
      await putAll(client, table, batch);
      items += batch.length;
      batch = [];
    }
  }
  if (batch.length) await putAll(client, table, batch);
  items += batch.length;
  if (items !== manifest.items) {
    throw new BackupFormatError(`${file} holds ${items} items, its manifest says ${manifest.items}`);
  }
  return items;
}
