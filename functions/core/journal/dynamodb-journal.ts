/**
 * DynamoDB write journal (table `writeJournal`: pk `tenant`, sk `at#id` — epoch ms zero-padded, so the sort key
 * orders by time). Items expire (`expiresAt`) after the retention the DR runbook needs: longer than the interval
 * between two graph backups. The tenants that appended are listed under the partition `~tenants` (no tenant id can
 * start with `~`), one item each, put again by a writer at most once an hour so it outlives the tenant's entries.
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

/** The partition listing the tenants that appended (outside TENANT_PATTERN, so never a tenant's own). */
const tenantsPartition = '~tenants';
const registerEveryMs = 3_600_000;

export class DynamoDbWriteJournal implements WriteJournal {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #retainS: number;
  /** When this writer last listed each tenant under `~tenants`. */
  readonly #registered = new Map<string, number>();

  constructor(options: DynamoDbJournalOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#retainS = options.retainSeconds ?? 7 * 86_400;
  }

  /** Stores every entry (one conditional-free put each, in parallel); rejects if any put fails. */
  async append(tenant: string, payloads: readonly JournalPayload[]): Promise<void> {
    const at = Date.now();
    await Promise.all([
      this.#register(tenant, at),
      ...payloads.map((payload) =>
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
    ]);
  }

  /** Lists the tenant under `~tenants` (expiring with its newest entries) unless this writer did so within the hour. */
  async #register(tenant: string, at: number): Promise<void> {
    if (at - (this.#registered.get(tenant) ?? 0) < registerEveryMs) return;
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          tenant: { S: tenantsPartition },
          sk: { S: tenant },
          expiresAt: { N: String(Math.floor(at / 1000) + this.#retainS + registerEveryMs / 1000) },
        },
      }),
    );
    this.#registered.set(tenant, at);
  }

  async *tenants(): AsyncIterable<string> {
    const now = Math.floor(Date.now() / 1000);
    for await (const item of this.#query(tenantsPartition, '')) {
      // dynalite never deletes expired items: expiry is checked on read, as the ledger and idempotency tables do.
      if (Number(item.expiresAt?.N ?? Number.POSITIVE_INFINITY) > now && item.sk?.S) yield item.sk.S;
    }
  }

  async *read(tenant: string, sinceMs: number): AsyncIterable<JournalEntry> {
    for await (const item of this.#query(tenant, sortKey(sinceMs, ''))) {
      const [at, id] = (item.sk?.S ?? '').split('#');
      yield { tenant, at: Number(at), id: id ?? '', payload: JSON.parse(item.payload?.S ?? '{}') as JournalPayload };
    }
  }

  /** A partition's items with `sk >= from`, page by page. */
  async *#query(partition: string, from: string): AsyncIterable<Record<string, AttributeValue>> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenant = :t AND sk >= :from',
          ExpressionAttributeValues: { ':t': { S: partition }, ':from': { S: from } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
