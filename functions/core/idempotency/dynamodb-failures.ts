/**
 * Failure reasons in the idempotency table (`id = failure#<body sha256>`), expiring with the DLQ's retention. The
 * idempotency table is used because the consumer already has write access to it and key claims never start with
 * `failure#` (they start with the key prefix).
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { FailureRecord, FailureStore } from './failures.js';

export class DynamoDbFailureStore implements FailureStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** Seconds a reason is kept (the DLQ's retention). */
    private readonly retentionS = 14 * 24 * 3600,
  ) {}

  async record(f: FailureRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          id: { S: `failure#${f.bodyHash}` },
          expiration: { N: String(Math.floor(Date.now() / 1000) + this.retentionS) },
          failure: { S: JSON.stringify(f) },
        },
      }),
    );
  }

  async get(bodyHash: string): Promise<FailureRecord | null> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { id: { S: `failure#${bodyHash}` } },
        ConsistentRead: true,
      }),
    );
    // dynalite never deletes expired items, so the expiry is checked here.
    if (!Item?.failure?.S || Number(Item.expiration?.N ?? 0) < Date.now() / 1000) return null;
    return JSON.parse(Item.failure.S) as FailureRecord;
  }
}
