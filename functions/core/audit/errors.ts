/** Errors of the audit ledger, with stable codes. */

export type AuditErrorCode = 'LEDGER_CONTENTION' | 'LEDGER_INVALID_INPUT' | 'LEDGER_UNAVAILABLE';

/** Base class of audit ledger errors. */
export class AuditError extends Error {
  readonly code: AuditErrorCode;
  constructor(code: AuditErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
  }
}

/** Every attempt to append at head+1 lost to another writer; the caller may retry the whole operation later. */
export class LedgerContentionError extends AuditError {
  constructor(tenant: string, attempts: number) {
    super('LEDGER_CONTENTION', `could not append to the ledger of ${tenant} after ${attempts} attempts`);
    this.name = 'LedgerContentionError';
  }
}

/** The entry is not something the ledger stores (bad tenant, kind, or data that is not JSON). */
export class LedgerInputError extends AuditError {
  constructor(message: string) {
    super('LEDGER_INVALID_INPUT', message);
    this.name = 'LedgerInputError';
  }
}
