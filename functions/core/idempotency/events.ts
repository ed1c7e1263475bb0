/**
 * Per-event idempotency on Powertools' DynamoDB persistence layer. The key is (tenant, idempotency key) — tenant
 * first, so two tenants can never collide — and the record's hash is stored and compared on every later use of the
 * key: the same key with a different record is CONFLICTING_PAYLOAD (poison), never a silent overwrite or replay.
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
import { ConflictingPayloadError, DependencyFailedError, EventInProgressError } from '../er/errors.js';

/** What the idempotency layer needs of an event: who, which key, and the payload whose hash must not change. */
export interface IdempotentEvent {
  tenant: string;
  idempotencyKey: string;
  eventId: string;
  record: unknown;
}

export interface EventIdempotencyOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a completed record answers duplicates. The graph marker keeps exactly-once after it expires. @default 86400 */
  expiresAfterSeconds?: number;
  /** Key prefix in the table (Powertools defaults to the function name, which differs between Lambda and local). */
  keyPrefix?: string;
}

/** Result of an idempotent call: the function's value and whether it came from a stored record (a duplicate). */
export interface IdempotentResult<T> {
  value: T;
  duplicate: boolean;
}

/** Marks results that Powertools answered from the store instead of running the function. */
const replayMark = '__idempotentReplay';

/**
 * Builds the idempotent wrapper once per process.
 *
 * @example
 * const once = createEventIdempotency({ client, tableName });
 * const { value, duplicate } = await once(event, 5_000, () => applyEvent(driver, event, config));
 */
export function createEventIdempotency(options: EventIdempotencyOptions) {
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
  const keyPrefix = options.keyPrefix ?? 'er-intake';

  return async function once<T extends object>(
    event: IdempotentEvent,
    remainingMs: number,
    fn: () => Promise<T>,
  ): Promise<IdempotentResult<T>> {
    // One config per call: the remaining time is per invocation, and calls of several batches overlap locally.
    const config = new IdempotencyConfig(settings);
    config.registerLambdaContext({ getRemainingTimeInMillis: () => remainingMs } as never);
    const run = makeIdempotent((_event: IdempotentEvent) => fn(), { persistenceStore, config, keyPrefix });
    try {
      const result = (await run(event)) as T & { [replayMark]?: boolean };
      if (result && typeof result === 'object' && replayMark in result) {
        const { [replayMark]: _, ...value } = result;
        return { value: value as T, duplicate: true };
      }
      return { value: result, duplicate: false };
    } catch (err) {
      throw mapIdempotencyError(err, event.eventId);
    }
  };
}

/** Powertools errors → ER errors with stable codes; anything else passes through unchanged. */
export function mapIdempotencyError(err: unknown, eventId: string): unknown {
  const name = err instanceof Error ? err.name : '';
  if (name === 'IdempotencyValidationError') return new ConflictingPayloadError(eventId, { cause: err });
  if (name === 'IdempotencyAlreadyInProgressError') return new EventInProgressError(eventId, { cause: err });
  if (name === 'IdempotencyPersistenceLayerError' || name === 'IdempotencyInconsistentStateError') {
    return new DependencyFailedError('idempotency store', { cause: err });
  }
  return err;
}
