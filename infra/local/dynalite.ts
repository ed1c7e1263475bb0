import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../functions/core/aws/dynamodb.js';
import { type TableDefinition, tableName, tables } from '../../functions/core/resources/index.js';
import { localRegion } from './elasticmq.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

const require = createRequire(import.meta.url);

/** A DynamoDB client for the twin's dynalite, in the twin's region. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return dynamoClient({ region: localRegion, endpoint });
}

/** Starts dynalite 4 on 127.0.0.1:port (on disk for npm start, in memory for tests) and waits until it answers. */
export async function startDynalite(ctx: TwinContext, port: number): Promise<RunningComponent> {
  const cli = require.resolve('dynalite/cli.js');
  const endpoint = `http://127.0.0.1:${port}`;
  const args = [cli, '--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0', '--deleteTableMs', '0'];
  args.push('--updateTableMs', '0');
  if (ctx.persistent) args.push('--path', join(ctx.runDir, 'dynalite-data'));
  const client = localDynamoClient(endpoint);
  try {
    return await spawnComponent({
      name: 'dynamodb (dynalite)',
      command: process.execPath,
      args,
      port,
      url: endpoint,
      logFile: join(ctx.runDir, 'dynalite.log'),
      probe: async () => {
        await client.send(new ListTablesCommand({}));
        return true;
      },
      timeoutMs: 30_000,
    });
  } finally {
    client.destroy();
  }
}

async function createTable(client: DynamoDBClient, stage: string, def: TableDefinition): Promise<string> {
  const name = tableName(stage, def);
  const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 50; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (def.ttlAttribute) {
    // dynalite records the setting but never deletes expired items; readers check the expiry themselves.
    await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      )
      .catch(() => undefined);
  }
  return name;
}

/** Creates every table from core/resources (idempotent). Returns logical id → physical name. */
export async function createTables(endpoint: string, stage = 'local'): Promise<Record<string, string>> {
  const client = localDynamoClient(endpoint);
  try {
    const out: Record<string, string> = {};
    for (const [key, def] of Object.entries(tables)) out[key] = await createTable(client, stage, def);
    return out;
  } finally {
    client.destroy();
  }
}
