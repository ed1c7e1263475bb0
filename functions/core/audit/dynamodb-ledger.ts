/**
 * DynamoDB audit ledger (table `auditLedger`: pk `tenant`, sk `seq` N). Appending is a conditional put at head + 1
 * with `attribute_not_exists(seq)`: of two writers racing for the same seq exactly one wins and the other re-reads the
 * head and tries again, so the chain never forks. No transactions, so it runs on dynalite as on DynamoDB.
 *
 * Within one process appends to a tenant are serialised and the head is cached, so contention (and its extra reads)
 * only happens between processes. `data` is stored as its canonical JSON string, so numbers and key order come back
 * exactly as hashed.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../json/canonical.js';
import { currentTraceId } from '../telemetry/propagation.js';
import { nextEntry } from './chain.js';
import { LedgerContentionError } from './errors.js';
import type { AuditLedger, LedgerEntry, LedgerEntryInput, LedgerReadOptions } from './types.js';

export interface DynamoDbLedgerOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Attempts per append before LEDGER_CONTENTION. @default 25 */
  maxAttempts?: number;
}

function toItem(e: LedgerEntry): Record<string, AttributeValue> {
  return {
    tenant: { S: e.tenant },
    seq: { N: String(e.seq) },
    at: { S: e.at },
    kind: { S: e.kind },
    actor: { S: e.actor },
    ...(e.subject === null ? {} : { subject: { S: e.subject } }),
    data: { S: canonicalJson(e.data) },
    prevHash: { S: e.prevHash },
    hash: { S: e.hash },
    ...(e.traceId ? { traceId: { S: e.traceId } } : {}),
  };
}

function fromItem(item: Record<string, AttributeValue>): LedgerEntry {
  return {
    tenant: item.tenant?.S ?? '',
    seq: Number(item.seq?.N),
    at: item.at?.S ?? '',
    kind: item.kind?.S ?? '',
    actor: item.actor?.S ?? '',
    subject: item.subject?.S ?? null,
    data: JSON.parse(item.data?.S ?? '{}') as Record<string, unknown>,
    prevHash: item.prevHash?.S ?? '',
    hash: item.hash?.S ?? '',
    ...(item.traceId?.S ? { traceId: item.traceId.S } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoDbAuditLedger implements AuditLedger {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #maxAttempts: number;
  /** Last entry this process wrote or read per tenant (a guess of the head; a failed put corrects it). */
  readonly #heads = new Map<string, LedgerEntry | null>();
  /** Tail of the per-tenant append queue. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: DynamoDbLedgerOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#maxAttempts = options.maxAttempts ?? 25;
  }

  append(tenant: string, input: LedgerEntryInput): Promise<LedgerEntry> {
    // The trace id is taken now, in the caller's context, not later in the queued append.
    const traceId = input.traceId ?? currentTraceId();
    const entry = traceId ? { ...input, traceId } : input;
    const run = (this.#queues.get(tenant) ?? Promise.resolve()).then(
      () => this.#appendNow(tenant, entry),
      () => this.#appendNow(tenant, entry),
    );
    this.#queues.set(
      tenant,
      run.catch(() => undefined),
    );
    return run;
  }

  async #appendNow(tenant: string, input: LedgerEntryInput): Promise<LedgerEntry> {
    let head = this.#heads.has(tenant) ? (this.#heads.get(tenant) ?? null) : await this.head(tenant);
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const entry = nextEntry(tenant, head, input);
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: toItem(entry),
            ConditionExpression: 'attribute_not_exists(seq)',
          }),
        );
        this.#heads.set(tenant, entry);
        return entry;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        // Another writer took this seq: re-read the head, back off a little (jitter spreads the racers).
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
        head = await this.head(tenant);
      }
    }
    throw new LedgerContentionError(tenant, this.#maxAttempts);
  }

  async head(tenant: string): Promise<LedgerEntry | null> {
    const { Items } = await this.#client.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'tenant = :t',
        ExpressionAttributeValues: { ':t': { S: tenant } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const head = Items?.[0] ? fromItem(Items[0]) : null;
    this.#heads.set(tenant, head);
    return head;
  }

  async *read(tenant: string, options: LedgerReadOptions = {}): AsyncIterable<LedgerEntry> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenant = :t AND seq >= :from',
          ExpressionAttributeValues: { ':t': { S: tenant }, ':from': { N: String(options.fromSeq ?? 1) } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: Math.min(1000, remaining),
        }),
      );
      for (const item of page.Items ?? []) {
        if (remaining-- <= 0) return;
        yield fromItem(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && remaining > 0);
  }
}
