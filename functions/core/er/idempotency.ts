/** Idempotency of intake events: the generic one-write DynamoDB layer keyed for ER, its refusals as stable ER codes. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type ClaimKey,
  createEventIdempotency,
  type IdempotencyFailure,
  type IdempotentEvent,
} from '../idempotency/events.js';
import { ConflictingPayloadError, DependencyFailedError, type ErError } from './errors.js';

/** An intake event as the idempotency layer sees it; `eventId` names it in errors. */
export interface ErIdempotentEvent extends IdempotentEvent {
  eventId: string;
}

/**
 * Claims (tenant, idempotency key) for an intake event: `first` or `seen` (same record), or CONFLICTING_PAYLOAD. The
 * effect's graph marker, not this, keeps the effect exactly once; this keeps one key from carrying two records.
 */
export type ErClaim = ClaimKey<ErIdempotentEvent>;

export interface ErIdempotencyOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a key's record hash is kept; the graph marker keeps exactly-once and the hash after. @default 86400 */
  expiresAfterSeconds?: number;
  /** Key prefix in the table. @default 'er-intake' */
  keyPrefix?: string;
}

/** Idempotency refusals as ER errors with stable codes (the DLQ failure reason). */
export function erIdempotencyError(failure: IdempotencyFailure, event: ErIdempotentEvent, cause: unknown): ErError {
  if (failure === 'CONFLICTING_PAYLOAD') return new ConflictingPayloadError(event.eventId, { cause });
  return new DependencyFailedError('idempotency store', { cause });
}

/**
 * Builds the intake consumer's key claim once per process.
 * @example
 * const claim = createErIdempotency({ client, tableName });
 * await claim(envelope); // 'first' | 'seen', or throws CONFLICTING_PAYLOAD
 */
export function createErIdempotency(options: ErIdempotencyOptions): ErClaim {
  return createEventIdempotency<ErIdempotentEvent>({
    ...options,
    keyPrefix: options.keyPrefix ?? 'er-intake',
    toError: erIdempotencyError,
  });
}
