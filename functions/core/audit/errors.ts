/** Errors of the audit ledger, with stable codes. */
import { DomainError } from '../errors.js';

export type AuditErrorCode = 'LEDGER_CONTENTION' | 'LEDGER_INVALID_INPUT' | 'LEDGER_UNAVAILABLE';

/** Base class of audit ledger errors. */
export class AuditError extends DomainError<AuditErrorCode> {}

/** Every attempt to append at head+1 lost to another writer; the caller may retry the whole operation later. */
export class LedgerContentionError extends AuditError {
  constructor(tenant: string, attempts: number) {
    super('LEDGER_CONTENTION', `could not append to the ledger of ${tenant} after ${attempts} attempts`);
  }
}

/** The entry is not something the ledger stores (bad tenant, kind, or data that is not JSON). */
export class LedgerInputError extends AuditError {
  constructor(message: string) {
    super('LEDGER_INVALID_INPUT', message);
  }
}

/** No ledger is configured where an action must be audited; the action is refused rather than run unaudited. */
export class LedgerUnavailableError extends AuditError {
  constructor(action: string) {
    super('LEDGER_UNAVAILABLE', `${action} is unavailable: no audit ledger is configured`);
  }
}
