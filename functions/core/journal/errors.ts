/** Errors of the write journal. */
import { DomainError, type DomainErrorOptions } from '../errors.js';

export type JournalErrorCode = 'JOURNAL_UNAVAILABLE' | 'WRITE_IN_DOUBT';

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

/**
 * The write committed but its outcome could not be journaled, so it is not acknowledged: a replay after a graph loss
 * would not bring it back (core/journal/plan.ts). The caller is told so, and sends it again (a retry finds the change
 * made, or makes it under a new intent).
 */
export class WriteInDoubtError extends JournalError {
  constructor(operation: string, intent: string, options: DomainErrorOptions = {}) {
    super(
      'WRITE_IN_DOUBT',
      `${operation} may have been applied but could not be confirmed (the write journal is unavailable); send it again`,
      { ...options, context: { operation, intent, ...options.context } },
    );
  }
}
