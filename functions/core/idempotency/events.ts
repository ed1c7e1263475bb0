/**
 * Per-event idempotency in one store write. The key is (tenant, idempotency key) — tenant first, so two tenants can
 * never collide — and the first use of a key stores the record's hash with one conditional PutItem. Every later use
 * reads it back: the same key with a different record is a conflicting payload (poison), never a silent overwrite or
 * replay; the same record goes on to the effect, whose own exactly-once marker (the graph's, committed with the
 * effect) decides whether it was applied already and answers with what it did.
 *
 * So a first-time event costs one write, where a store-side result (in progress, then completed) cost two: a receive
 * that died mid-way needs no lock to expire, because the effect is exactly once by itself, and a duplicate is
 * answered by the effect's marker instead of a stored result.
 *
 * A key stays claimed with its record's hash even when the effect failed, so a producer that resends a corrected
 * record under the same key gets CONFLICTING_PAYLOAD until the claim expires (use a new key). Here a payload is
 * compared only while its claim lives (24 h by default), and a key first used under the earlier Powertools layer
 * (another item format) is claimed afresh. Neither opens a window for a conflicting record: the effect's marker keeps
 * the same hash ({@link payloadHash}; for ER, er/applied-marker.ts), and an applied event whose marker holds another
 * hash is refused with the same CONFLICTING_PAYLOAD. What is left: a marker written before markers kept the hash has
 * nothing to compare with, so for such an event a conflicting record arriving after its claim is gone is answered
 * with the stored decision, not refused.
 *
 * Works on dynalite (conditional PutItem and consistent GetItem only).
 */
import { createHash } from 'node:crypto';
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../json/canonical.js';

/** What the idempotency layer needs of an event: who, which key, and the payload whose hash must not change. */
export interface IdempotentEvent {
  tenant: string;
  idempotencyKey: string;
  record: unknown;
}

/** Why a key was refused, independent of the store's error classes. */
export type IdempotencyFailure = 'CONFLICTING_PAYLOAD' | 'STORE_FAILED';

export interface EventIdempotencyOptions<E extends IdempotentEvent> {
  client: DynamoDBClient;
  tableName: string;
  /** How long a key's hash is kept to catch a conflicting payload (the table's TTL attribute). @default 86400 */
  expiresAfterSeconds?: number;
  /** Key prefix in the table (one table can serve several consumers). */
  keyPrefix: string;
  /** Turns a refusal into the caller's own error, so stable codes stay with the area that owns them. */
  toError: (failure: IdempotencyFailure, event: E, cause: unknown) => Error;
  /** Clock (epoch ms). @default Date.now */
  now?: () => number;
}

/** `first`: this call stored the key; `seen`: the key was stored before with the same payload (a redelivery or retry). */
export type KeyUse = 'first' | 'seen';

/** Claims (tenant, idempotency key) for an event, or throws the caller's CONFLICTING_PAYLOAD / STORE_FAILED error. */
export type ClaimKey<E extends IdempotentEvent = IdempotentEvent> = (event: E) => Promise<KeyUse>;

/** sha256 of the record's canonical JSON (key order does not change it). */
export function payloadHash(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/**
 * Builds the claim function once per process.
 *
 * @example
 * const claim = createEventIdempotency({ client, tableName, keyPrefix: 'orders', toError: (f) => new Error(f) });
 * const use = await claim(event); // 'first', then 'seen' for the same event; a different record throws
 */
export function createEventIdempotency<E extends IdempotentEvent>(options: EventIdempotencyOptions<E>): ClaimKey<E> {
  const { client, tableName, keyPrefix, toError } = options;
  const ttlS = options.expiresAfterSeconds ?? 86_400;
  const now = options.now ?? Date.now;

  const put = (id: string, hash: string) => {
    const nowS = Math.floor(now() / 1000);
    return client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { id: { S: id }, validation: { S: hash }, expiration: { N: String(nowS + ttlS) } },
        // An expired item the table's TTL has not removed yet counts as absent.
        ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
        ExpressionAttributeValues: { ':now': { N: String(nowS) } },
      }),
    );
  };

  return async function claim(event: E): Promise<KeyUse> {
    const id = `${keyPrefix}#${createHash('sha256')
      .update(canonicalJson([event.tenant, event.idempotencyKey]))
      .digest('hex')}`;
    const hash = payloadHash(event.record);
    // Twice at most: an item that expired (TTL) between the failed put and the read is claimed again.
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await put(id, hash);
        return 'first';
      } catch (err) {
        // By name: a second copy of the SDK in a bundle would make `instanceof` false for every duplicate.
        if ((err as Error | undefined)?.name !== 'ConditionalCheckFailedException') {
          throw toError('STORE_FAILED', event, err);
        }
      }
      let stored: string | undefined;
      try {
        const { Item } = await client.send(
          new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
        );
        stored = Item?.validation?.S;
        if (Item && stored === undefined) return 'seen'; // an item without a hash (none is written so): nothing to compare
      } catch (err) {
        throw toError('STORE_FAILED', event, err);
      }
      if (stored === undefined) continue;
      if (stored !== hash) {
        throw toError('CONFLICTING_PAYLOAD', event, new Error(`payload hash ${hash} differs from the key's ${stored}`));
      }
      return 'seen';
    }
    throw toError('STORE_FAILED', event, new Error(`key ${id} neither stored nor readable`));
  };
}
