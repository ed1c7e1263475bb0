/**
 * Per-event idempotency on Powertools' DynamoDB persistence layer. The key is (tenant, idempotency key) — tenant
 * first, so two tenants can never collide — and the record's hash is stored and compared on every later use of the
 * key: the same key with a different record is a conflicting payload (poison), never a silent overwrite or replay.
 *
 * Works on dynalite: Powertools only uses conditional PutItem, GetItem, UpdateItem and DeleteItem (no transactions).
 * dynalite ignores `ReturnValuesOnConditionCheckFailure`, so on a duplicate Powertools falls back to a GetItem.
 *
 * The in-progress lock expires after the invocation's remaining time, so a receive that died mid-way (SIGKILL, Lambda
 * timeout) does not block the next receive of the same message after its visibility timeout.
 */
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What the idempotency layer needs of an event: who, which key, and the payload whose hash must not change. */
export interface IdempotentEvent {
  tenant: string;
  idempotencyKey: string;
  record: unknown;
}

/** Why a call was refused by the idempotency layer, independent of Powertools' error classes. */
export type IdempotencyFailure = 'CONFLICTING_PAYLOAD' | 'IN_PROGRESS' | 'STORE_FAILED';

export interface EventIdempotencyOptions<E extends IdempotentEvent> {
  client: DynamoDBClient;
  tableName: string;
  /** How long a completed record answers duplicates. @default 86400 */
  expiresAfterSeconds?: number;
  /** Key prefix in the table; explicit because Powertools' default (the function name) differs between Lambda and local. */
  keyPrefix: string;
  /** Turns a refusal into the caller's own error, so stable codes stay with the area that owns them. */
  toError: (failure: IdempotencyFailure, event: E, cause: unknown) => Error;
}

/** Result of an idempotent call: the function's value and whether it came from a stored record (a duplicate). */
export interface IdempotentResult<T> {
  value: T;
  duplicate: boolean;
}

/** Runs `fn` at most once per (tenant, idempotency key) and says whether the value was replayed. */
export type Once<E extends IdempotentEvent = IdempotentEvent> = <T extends object>(
  event: E,
  remainingMs: number,
  fn: () => Promise<T>,
) => Promise<IdempotentResult<T>>;

/** Marks results that Powertools answered from the store instead of running the function. */
const replayMark = '__idempotentReplay';

/**
 * Builds the idempotent wrapper once per process.
 *
 * @example
 * const once = createEventIdempotency({ client, tableName, keyPrefix: 'orders', toError: (f) => new Error(f) });
 * const { value, duplicate } = await once(event, 5_000, () => applyEvent(event));
 */
export function createEventIdempotency<E extends IdempotentEvent>(options: EventIdempotencyOptions<E>): Once<E> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });
  const settings = {
    eventKeyJmesPath: '[tenant, idempotencyKey]',
    payloadValidationJmesPath: 'record',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? 86_400,
    responseHook: (response: JSONValue) =>
      response && typeof response === 'object' && !Array.isArray(response)
        ? { ...response, [replayMark]: true }
        : response,
  };
  const { keyPrefix, toError } = options;

  return async function once<T extends object>(
    event: E,
    remainingMs: number,
    fn: () => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    // One config per call: the remaining time is per invocation, and calls of several batches overlap locally.
    const config = new IdempotencyConfig(settings);
    config.registerLambdaContext({ getRemainingTimeInMillis: () => remainingMs } as never);
    const run = makeIdempotent((_event: E) => fn(), { persistenceStore, config, keyPrefix });
    try {
      const result = (await run(event)) as T & { [replayMark]?: boolean };
      if (result && typeof result === 'object' && replayMark in result) {
        const { [replayMark]: _, ...value } = result;
        return { value: value as T, duplicate: true };
      }
      return { value: result, duplicate: false };
    } catch (err) {
      const failure = idempotencyFailureOf(err);
      throw failure ? toError(failure, event, err) : err;
    }
  };
}

/** Classifies a Powertools error by name; anything else (the wrapped function's own errors) is `undefined`. */
export function idempotencyFailureOf(err: unknown): IdempotencyFailure | undefined {
  const name = err instanceof Error ? err.name : '';
  if (name === 'IdempotencyValidationError') return 'CONFLICTING_PAYLOAD';
  if (name === 'IdempotencyAlreadyInProgressError') return 'IN_PROGRESS';
  if (name === 'IdempotencyPersistenceLayerError' || name === 'IdempotencyInconsistentStateError') {
    return 'STORE_FAILED';
  }
  return undefined;
}
