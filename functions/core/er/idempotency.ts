/** Idempotency of intake events: the generic DynamoDB layer keyed for ER, its refusals mapped to stable ER codes. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createEventIdempotency,
  type IdempotencyFailure,
  type IdempotentEvent,
  type Once,
} from '../idempotency/events.js';
import { ConflictingPayloadError, DependencyFailedError, type ErError, EventInProgressError } from './errors.js';

/** An intake event as the idempotency layer sees it; `eventId` names it in errors. */
export interface ErIdempotentEvent extends IdempotentEvent {
  eventId: string;
}

/** Runs the effect of one intake event at most once per (tenant, idempotency key). */
export type ErOnce = Once<ErIdempotentEvent>;

export interface ErIdempotencyOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a completed record answers duplicates. The graph marker keeps exactly-once after it expires. @default 86400 */
  expiresAfterSeconds?: number;
  /** Key prefix in the table. @default 'er-intake' */
  keyPrefix?: string;
}

/** Idempotency refusals as ER errors with stable codes (the DLQ failure reason). */
export function erIdempotencyError(failure: IdempotencyFailure, event: ErIdempotentEvent, cause: unknown): ErError {
  if (failure === 'CONFLICTING_PAYLOAD') return new ConflictingPayloadError(event.eventId, { cause });
  if (failure === 'IN_PROGRESS') return new EventInProgressError(event.eventId, { cause });
  return new DependencyFailedError('idempotency store', { cause });
}

/**
 * Builds the intake consumer's idempotent wrapper once per process.
 * @example
 * const once = createErIdempotency({ client, tableName });
 * const { value, duplicate } = await once(envelope, 5_000, () => effect(envelope, 5_000));
 */
export function createErIdempotency(options: ErIdempotencyOptions): ErOnce {
  return createEventIdempotency<ErIdempotentEvent>({
    ...options,
    keyPrefix: options.keyPrefix ?? 'er-intake',
    toError: erIdempotencyError,
  });
}
