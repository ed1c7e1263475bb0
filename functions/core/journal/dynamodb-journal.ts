/**
 * DynamoDB write journal (table `writeJournal`: pk `tenant`, sk `at#id` — epoch ms zero-padded, so the sort key
 * orders by time). Items expire (`expiresAt`) after the retention the DR runbook needs: longer than the interval
 * between two graph backups.
 */
import { randomUUID } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { JournalEntry, JournalPayload, WriteJournal } from './types.js';

export interface DynamoDbJournalOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long entries are kept. @default 7 days */
  retainSeconds?: number;
}

const sortKey = (at: number, id: string) => `${String(at).padStart(15, '0')}#${id}`;

export class DynamoDbWriteJournal implements WriteJournal {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retainS: number;

  constructor(options: DynamoDbJournalOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#retainS = options.retainSeconds ?? 7 * 86_400;
  }

  /** Stores every entry (one conditional-free put each, in parallel); rejects if any put fails. */
  async append(tenant: string, payloads: readonly JournalPayload[]): Promise<void> {
    const at = Date.now();
    await Promise.all(
      payloads.map((payload) =>
        this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: {
              tenant: { S: tenant },
              sk: { S: sortKey(at, randomUUID()) },
              payload: { S: JSON.stringify(payload) },
              expiresAt: { N: String(Math.floor(at / 1000) + this.#retainS) },
            },
          }),
        ),
      ),
    );
  }

  async *read(tenant: string, sinceMs: number): AsyncIterable<JournalEntry> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenant = :t AND sk >= :from',
          ExpressionAttributeValues: { ':t': { S: tenant }, ':from': { S: sortKey(sinceMs, '') } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const [at, id] = (item.sk?.S ?? '').split('#');
        yield { tenant, at: Number(at), id: id ?? '', payload: JSON.parse(item.payload?.S ?? '{}') as JournalPayload };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
