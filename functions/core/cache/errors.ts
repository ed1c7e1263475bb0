/**
 * Errors of the response-cache area. Callers branch on `code`, never on the message.
 */
import { DomainError, type DomainErrorOptions } from '../errors.js';

/** Stable codes for cache errors. */
export type CacheErrorCode = 'CACHE_KEY_INVALID' | 'CACHE_UNAVAILABLE' | 'CACHE_ENTRY_INVALID';

/** Base class: every cache error carries a stable code and optional context. */
export class CacheError extends DomainError<CacheErrorCode> {}

/** A key input is unusable (bad tenant, PRIVATE without subject, …). A programming or auth bug, never a client error. */
export class CacheKeyError extends CacheError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('CACHE_KEY_INVALID', message, { context });
  }
}

/** The store did not answer (network error, timeout, error reply). Callers fail open: treat it as a miss. */
export class CacheUnavailableError extends CacheError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('CACHE_UNAVAILABLE', message, options);
  }
}
