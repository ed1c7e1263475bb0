/** Errors of the write journal. */
import { DomainError, type DomainErrorOptions } from '../errors.js';

export type JournalErrorCode = 'JOURNAL_UNAVAILABLE';

export class JournalError extends DomainError<JournalErrorCode> {}

/** The intent of a write could not be journaled, so the write was not attempted: safe to retry as it is. */
export class JournalUnavailableError extends JournalError {
  constructor(operation: string, options: DomainErrorOptions = {}) {
    super('JOURNAL_UNAVAILABLE', `${operation} was not attempted: the write journal is unavailable; retry later`, {
      ...options,
      context: { operation, ...options.context },
    });
  }
}
