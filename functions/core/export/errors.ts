/**
 * Errors of the export area. A refusal is a POLICY_DENIED like any other deny, carrying every refused record's
 * explain; an export that cannot be audited is not run at all.
 */
import { type DenyReason, PolicyDeniedError, PolicyError } from '../policy/index.js';

/** One refused record: which decision refused it and why. */
export interface RefusedRecord {
  id: string;
  decisionId: string;
  reasons: DenyReason[];
}

/** The export was refused because the policy denied at least one record (onDeny: refuse). */
export class ExportRefusedError extends PolicyDeniedError {
  readonly refused: RefusedRecord[];
  readonly exportId: string;

  constructor(exportId: string, refused: RefusedRecord[]) {
    const first = refused[0]!;
    super('graphgate/export/decision', first.decisionId, first.reasons);
    this.message = `${refused.length} record(s) may not be exported; first: ${first.id} — ${this.message}`;
    this.refused = refused;
    this.exportId = exportId;
  }
}

/** No audit ledger is configured, so no export may run (every decision must be logged). */
export class ExportAuditUnavailableError extends PolicyError {
  constructor() {
    super('POLICY_EVALUATION_FAILED', 'exports are unavailable: no audit ledger is configured for decision logs');
  }
}
