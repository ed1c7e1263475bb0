/**
 * Step-up audit entries. Every ceremony step and every sensitive call appends one entry to the tenant's hash-chained
 * ledger with the same fields, so an auditor can follow a challenge id from options to grant to the calls it allowed.
 * Grant tokens are bearer secrets and never appear here: entries name a grant by its sha256 (`grantRef`).
 */
import type { AuditLedger, LedgerEntry } from '../audit/index.js';

/** Ledger `kind`s written by this area. */
export type StepUpAuditKind =
  | 'stepup.register.options'
  | 'stepup.register.verify'
  | 'stepup.authenticate.options'
  | 'stepup.authenticate.verify'
  | 'stepup.sensitive-call';

/** What each step-up entry records; absent values are written as null so every entry has the same shape. */
export interface StepUpAuditFields {
  tenant: string;
  subject: string;
  sessionId: string | null;
  challengeId?: string | null;
  credentialId?: string | null;
  grantRef?: string | null;
  operation?: string | null;
  scopes?: string[];
  /**
   * `ok` (valid grant), `denied` (refused), `exempted` (a policy exemption or the `exempt` setting), `monitored` (the
   * `monitor` setting let a call without a valid grant run; `reason` says what was wrong with the grant).
   */
  outcome: 'ok' | 'denied' | 'exempted' | 'monitored';
  /** Stable error code of a failure (CHALLENGE_EXPIRED, GRANT_SESSION_MISMATCH, …), or the exemption id. */
  reason?: string | null;
  /** Id of the policy decision behind a sensitive call's outcome. */
  decisionId?: string | null;
}

/** Appends one step-up entry; the ledger subject is the challenge id (ceremonies) or the operation (calls). */
export function appendStepUpAudit(
  ledger: AuditLedger,
  kind: StepUpAuditKind,
  f: StepUpAuditFields,
): Promise<LedgerEntry> {
  return ledger.append(f.tenant, {
    kind,
    actor: f.subject,
    subject: f.challengeId ?? f.operation ?? null,
    data: {
      sessionId: f.sessionId,
      challengeId: f.challengeId ?? null,
      credentialId: f.credentialId ?? null,
      grantRef: f.grantRef ?? null,
      operation: f.operation ?? null,
      scopes: f.scopes ?? [],
      outcome: f.outcome,
      reason: f.reason ?? null,
      decisionId: f.decisionId ?? null,
    },
  });
}
