/**
 * Errors of entity resolution and the intake pipeline. Clients and operators branch on `code` (it is also the failure
 * reason stored for a DLQ message), never on the message text.
 */
import { DomainError, type DomainErrorOptions } from '../errors.js';

/** Stable codes of the ER area. `retryable` codes may succeed on a later receive; the others are poison. */
export type ErErrorCode =
  | 'INVALID_EVENT'
  | 'CONFLICTING_PAYLOAD'
  | 'KIND_NOT_ENABLED'
  | 'GRAPH_CONFLICT'
  | 'DEPENDENCY_FAILED'
  | 'INVALID_MODEL';

/** Codes that can never succeed on redelivery of the same message: they are poison and end in the DLQ. */
export const poisonCodes: ReadonlySet<ErErrorCode> = new Set([
  'INVALID_EVENT',
  'CONFLICTING_PAYLOAD',
  'KIND_NOT_ENABLED',
]);

/** Base class: a stable code plus context safe to log (ids and codes, never record contents). */
export class ErError extends DomainError<ErErrorCode> {}

/** A message that does not parse as an intake envelope (corrupted, or enqueued by something other than the API). */
export class InvalidEventError extends ErError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('INVALID_EVENT', message, options);
  }
}

/** The same (tenant, idempotency key) arrived with a different payload: never applied, never overwritten. */
export class ConflictingPayloadError extends ErError {
  constructor(eventId: string, options: { cause?: unknown } = {}) {
    super(
      'CONFLICTING_PAYLOAD',
      `event ${eventId} reuses an idempotency key with a different payload; send it with a new key`,
      { ...options, context: { eventId } },
    );
  }
}

/** The consumer is configured not to resolve this kind (yet); enabling it and replaying the DLQ applies the event. */
export class KindNotEnabledError extends ErError {
  constructor(kind: string, eventId: string) {
    super('KIND_NOT_ENABLED', `entity kind ${kind} is not enabled for resolution (ER_ENABLED_KINDS)`, {
      context: { kind, eventId },
    });
  }
}

/** A store (Neo4j, DynamoDB) failed or a concurrent merge won the race; safe to retry. */
export class DependencyFailedError extends ErError {
  constructor(what: string, options: { cause?: unknown; code?: 'DEPENDENCY_FAILED' | 'GRAPH_CONFLICT' } = {}) {
    super(options.code ?? 'DEPENDENCY_FAILED', `${what} failed; the message will be retried`, { cause: options.cause });
  }
}

/** A match model whose parameters cannot be used (a probability outside (0, 1), an unknown comparison or level). */
export class InvalidModelError extends ErError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('INVALID_MODEL', message, { context });
  }
}

/** The stable code of any error (`DEPENDENCY_FAILED` for errors that are not ours). */
export function errorCode(err: unknown): ErErrorCode {
  return err instanceof ErError ? err.code : 'DEPENDENCY_FAILED';
}
