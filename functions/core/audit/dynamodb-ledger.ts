/**
 * DynamoDB audit ledger (table `auditLedger`: pk `tenant`, sk `seq` N). Appending is a conditional put at head + 1
 * with `attribute_not_exists(seq)`: of two writers racing for the same seq exactly one wins and the other re-reads the
 * head and tries again, so the chain never forks. No transactions, so it runs on dynalite as on DynamoDB.
 *
 * Within one process appends to a tenant are serialised and the head is cached, so contention (and its extra reads)
 * only happens between processes. `data` is stored as its canonical JSON string, so numbers and key order come back
 * exactly as hashed.
 *
 * `appendAfter` stores several consecutive entries as one block item: sk `seq` is the block's first seq, `last` its
 * last, `entries` the canonical JSON of its entries. Every writer puts its item at head + 1, where head is the last
 * seq of the item with the highest sk, so two writers of the same seqs always meet on one key, whether they write an
 * entry or a block. Readers get entries either way; a read from seq N looks back for a block that began before N.
 * `appendAll` writes a batch the same way at the head; a block that loses its seq is written again after the winner's
 * entry, so another writer's entries may lie between a batch's blocks, never inside one.
 *
 * `appendOnce` keeps one entry per (tenant, kind, subject) without transactions (dynalite has none): a marker item
 * (partition `<tenant>#once#<sha256(kind, subject)>`, seq 0 — `#` is not allowed in tenant ids, so it never meets a
 * chain) records, conditionally and once, a head the chain had before any entry of that subject could exist. Every
 * caller then reads the chain from that seq to its end and appends only if no entry of the subject is there, and only
 * at the seq after the last entry it read. Two callers cannot both append: the later put is at a seq past the earlier
 * entry, so its writer read that entry first — or its conditional put fails, and it reads on.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { currentTraceId } from '../telemetry/propagation.js';
import { nextEntry } from './chain.js';
import { LedgerContentionError, LedgerInputError } from './errors.js';
import { blocksOf, entriesOf, lastSeqOf, toBlockItem, toItem } from './ledger-items.js';
import type {
  AuditLedger,
  LedgerEntry,
  LedgerEntryInput,
  LedgerReadOptions,
  OnceEntryInput,
  OnceResult,
} from './types.js';

export interface DynamoDbLedgerOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Attempts per append before LEDGER_CONTENTION. @default 25 */
  maxAttempts?: number;
  /**
   * Whether `appendAfter` stores a batch as block items (else one item per entry). Off only while functions of a
   * release that cannot read blocks may still run. @default true
   */
  blockWrites?: boolean;
}

/** Partition key of the once-marker of (tenant, kind, subject). */
function onceKey(tenant: string, input: OnceEntryInput): string {
  if (tenant.includes('#')) throw new LedgerInputError(`tenant ${tenant} must not contain #`);
  const digest = createHash('sha256').update(input.kind).update('\n').update(input.subject).digest('hex');
  return `${tenant}#once#${digest}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The entry with the active trace's id, taken in the caller's context (not later, in the queued append). */
function withTraceId<T extends LedgerEntryInput>(input: T): T {
  const traceId = input.traceId ?? currentTraceId();
  return traceId ? { ...input, traceId } : input;
}

export class DynamoDbAuditLedger implements AuditLedger {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #maxAttempts: number;
  readonly #blockWrites: boolean;
  /** Last entry this process wrote or read per tenant (a guess of the head; a failed put corrects it). */
  readonly #heads = new Map<string, LedgerEntry | null>();
  /** Tail of the per-tenant append queue. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: DynamoDbLedgerOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#maxAttempts = options.maxAttempts ?? 25;
    this.#blockWrites = options.blockWrites ?? true;
  }

  append(tenant: string, input: LedgerEntryInput): Promise<LedgerEntry> {
    const entry = withTraceId(input);
    return this.#serialised(tenant, () => this.#appendNow(tenant, entry));
  }

  appendAll(tenant: string, entries: readonly LedgerEntryInput[]): Promise<LedgerEntry[]> {
    if (entries.length === 0) return Promise.resolve([]);
    const inputs = entries.map(withTraceId);
    return this.#serialised(tenant, () => this.#appendAllNow(tenant, inputs));
  }

  /**
   * Every entry at the head, block by block: a block that loses its seq to another writer is written again, with the
   * entries after it, behind that writer's entries (the head is read again); the blocks already written stay.
   */
  async #appendAllNow(tenant: string, inputs: readonly LedgerEntryInput[]): Promise<LedgerEntry[]> {
    const written: LedgerEntry[] = [];
    let head = this.#heads.has(tenant) ? (this.#heads.get(tenant) ?? null) : await this.head(tenant);
    for (let attempt = 1; written.length < inputs.length; attempt++) {
      if (attempt > this.#maxAttempts) throw new LedgerContentionError(tenant, this.#maxAttempts);
      const now = await this.#appendAfterNow(tenant, head, inputs.slice(written.length));
      written.push(...now);
      if (written.length === inputs.length) break;
      // Another writer took the next seq: back off a little (jitter spreads the racers) and write after its entry.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
      head = await this.head(tenant);
    }
    return written;
  }

  appendOnce(tenant: string, input: OnceEntryInput): Promise<OnceResult> {
    const entry = withTraceId(input);
    return this.#serialised(tenant, () => this.#appendOnceNow(tenant, entry));
  }

  appendAfter(
    tenant: string,
    previous: LedgerEntry | null,
    entries: readonly LedgerEntryInput[],
  ): Promise<LedgerEntry[]> {
    const inputs = entries.map(withTraceId);
    return this.#serialised(tenant, () => this.#appendAfterNow(tenant, previous, inputs));
  }

  async #appendAfterNow(
    tenant: string,
    previous: LedgerEntry | null,
    inputs: readonly LedgerEntryInput[],
  ): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (const input of inputs) entries.push(nextEntry(tenant, entries.at(-1) ?? previous, input));
    const written: LedgerEntry[] = [];
    const blocks = this.#blockWrites ? blocksOf(entries) : entries.map((e) => ({ entries: [e], json: '' }));
    for (const block of blocks) {
      try {
        if (block.entries.length === 1) await this.#put(block.entries[0]!);
        else await this.#putItem(toBlockItem(block.entries, block.json));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        // Another writer holds this seq: the cached head is behind, and the caller reads on from its last entry.
        this.#heads.delete(tenant);
        break;
      }
      written.push(...block.entries);
      this.#heads.set(tenant, block.entries.at(-1)!);
    }
    return written;
  }

  /** Runs `fn` after every earlier append of this process to the tenant has settled. */
  #serialised<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#queues.get(tenant) ?? Promise.resolve()).then(fn, fn);
    this.#queues.set(
      tenant,
      run.catch(() => undefined),
    );
    return run;
  }

  async #appendOnceNow(tenant: string, input: OnceEntryInput): Promise<OnceResult> {
    const fromSeq = await this.#onceFrom(tenant, input);
    let last: LedgerEntry | null = null;
    let readFrom = Math.max(1, fromSeq);
    // Usual case (this call wrote the marker from its cached head): a put at fromSeq + 1 leaves no entry unread
    // below it, so the first read is skipped and a fresh event costs two puts.
    const cached = this.#heads.get(tenant) ?? null;
    const skipRead = this.#heads.has(tenant) && (cached?.seq ?? 0) === fromSeq;
    if (skipRead) [last, readFrom] = [cached, fromSeq + 1];
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1 || !skipRead) {
        for await (const e of this.read(tenant, { fromSeq: readFrom })) {
          if (e.kind === input.kind && e.subject === input.subject) return { entry: e, appended: false };
          last = e;
        }
        if (last) readFrom = last.seq + 1;
      }
      const entry = nextEntry(tenant, last, input);
      try {
        await this.#put(entry);
        this.#heads.set(tenant, entry);
        return { entry, appended: true };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
    }
    throw new LedgerContentionError(tenant, this.#maxAttempts);
  }

  /**
   * The seq from which an entry of (kind, subject) can exist: the first caller stores the head it knows (never past
   * the real head), later callers read what the first stored.
   */
  async #onceFrom(tenant: string, input: OnceEntryInput): Promise<number> {
    const key = { tenant: { S: onceKey(tenant, input) }, seq: { N: '0' } };
    const known = this.#heads.has(tenant) ? (this.#heads.get(tenant) ?? null) : await this.head(tenant);
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...key,
            fromSeq: { N: String(known?.seq ?? 0) },
            kind: { S: input.kind },
            subject: { S: input.subject },
            at: { S: new Date().toISOString() },
          },
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      );
      return known?.seq ?? 0;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const { Item } = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
    );
    // A marker without a readable seq (never written so) costs a read of the whole chain, never a twin entry.
    const from = Number(Item?.fromSeq?.N ?? 0);
    return Number.isSafeInteger(from) && from > 0 ? from : 0;
  }

  #put(entry: LedgerEntry) {
    return this.#putItem(toItem(entry));
  }

  #putItem(item: Record<string, AttributeValue>) {
    return this.#client.send(
      new PutItemCommand({ TableName: this.#table, Item: item, ConditionExpression: 'attribute_not_exists(seq)' }),
    );
  }

  async #appendNow(tenant: string, input: LedgerEntryInput): Promise<LedgerEntry> {
    let head = this.#heads.has(tenant) ? (this.#heads.get(tenant) ?? null) : await this.head(tenant);
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const entry = nextEntry(tenant, head, input);
      try {
        await this.#put(entry);
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
    const head = Items?.[0] ? (entriesOf(Items[0]).at(-1) ?? null) : null;
    this.#heads.set(tenant, head);
    return head;
  }

  async *read(tenant: string, options: LedgerReadOptions = {}): AsyncIterable<LedgerEntry> {
    const from = options.fromSeq ?? 1;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let start = from;
    // A block that began before `from` may hold it, unless this process knows an item ends at from − 1.
    if (from > 1 && this.#heads.get(tenant)?.seq !== from - 1) {
      const { Items } = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenant = :t AND seq < :from',
          ExpressionAttributeValues: { ':t': { S: tenant }, ':from': { N: String(from) } },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      if (Items?.[0] && lastSeqOf(Items[0]) >= from) start = Number(Items[0].seq?.N);
    }
    let startKey: Record<string, AttributeValue> | undefined;
    let last: LedgerEntry | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenant = :t AND seq >= :from',
          ExpressionAttributeValues: { ':t': { S: tenant }, ':from': { N: String(start) } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: Math.min(1000, remaining),
        }),
      );
      for (const item of page.Items ?? []) {
        for (const entry of entriesOf(item)) {
          if (entry.seq < from) continue;
          if (remaining-- <= 0) return;
          last = entry;
          yield entry;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && remaining > 0);
    // Read to the end: the last entry is the head as of now (a better guess than an older one).
    if (last && !startKey && last.seq > (this.#heads.get(tenant)?.seq ?? 0)) this.#heads.set(tenant, last);
  }
}
