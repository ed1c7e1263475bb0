/**
 * Errors of the step-up area. Every failure has a stable `code` that is written to the audit ledger as the reason and
 * returned to clients; `status` is the HTTP status the step-up routes map it to.
 */
import { DomainError, type DomainErrorOptions } from '../errors.js';

export type StepUpErrorCode =
  | 'SESSION_REQUIRED'
  | 'BAD_REQUEST'
  | 'UNKNOWN_SCOPE'
  | 'CHALLENGE_NOT_FOUND'
  | 'CHALLENGE_EXPIRED'
  | 'CHALLENGE_BINDING_MISMATCH'
  | 'CREDENTIAL_EXISTS'
  | 'CREDENTIAL_NOT_REGISTERED'
  | 'NO_CREDENTIALS'
  | 'COUNTER_REGRESSION'
  | 'VERIFICATION_FAILED'
  | 'GRANT_MISSING'
  | 'GRANT_NOT_FOUND'
  | 'GRANT_EXPIRED'
  | 'GRANT_SESSION_MISMATCH'
  | 'GRANT_SCOPE_INSUFFICIENT';

/** HTTP statuses the step-up routes answer with. */
export type StepUpStatus = 400 | 401 | 409;

const statusByCode: Record<StepUpErrorCode, StepUpStatus> = {
  SESSION_REQUIRED: 401,
  BAD_REQUEST: 400,
  UNKNOWN_SCOPE: 400,
  CHALLENGE_NOT_FOUND: 400,
  CHALLENGE_EXPIRED: 400,
  CHALLENGE_BINDING_MISMATCH: 400,
  CREDENTIAL_EXISTS: 409,
  CREDENTIAL_NOT_REGISTERED: 400,
  NO_CREDENTIALS: 409,
  COUNTER_REGRESSION: 400,
  VERIFICATION_FAILED: 400,
  GRANT_MISSING: 401,
  GRANT_NOT_FOUND: 401,
  GRANT_EXPIRED: 401,
  GRANT_SESSION_MISMATCH: 401,
  GRANT_SCOPE_INSUFFICIENT: 401,
};

/** Base of every step-up error. */
export class StepUpError extends DomainError<StepUpErrorCode> {
  readonly status: StepUpStatus;

  constructor(code: StepUpErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(code, message, options);
    this.status = statusByCode[code];
  }
}

/** The challenge, credential or counter check failed: the ceremony is refused. */
export class CeremonyError extends StepUpError {}

/** The grant presented for a sensitive call is missing, unknown, expired, foreign or too narrow. */
export class GrantError extends StepUpError {}

/** Store-level failures the domain maps (the adapters throw these instead of SDK errors). */
export class StepUpStoreError extends StepUpError {}
