/**
 * The policy half of an export: a decision per record (purpose, licence, retention), field
 * redaction by class, then k-anonymity over the released rows, with a report of what was done.
 * Fetching the records and writing the audit ledger belong to the caller.
 */
import type { DecisionOf } from './decisions.js';
import type { PolicyEngine } from './engine.js';
import { PolicyDeniedError } from './errors.js';
import { anonymise, type KAnonReport } from './kanonymity.js';
import type { CallerAttributes } from './scope.js';

/** What the policy needs to know about one record; `values` are the fields that get exported. */
export interface ExportRecord {
  id: string;
  classes: string[];
  purposes: string[];
  licences: string[];
  /** field name → data class, for redaction */
  fields: Record<string, string>;
  created_at_ms: number;
  legal_hold?: boolean;
  values: Record<string, unknown>;
}

/** The export request. */
export interface ExportRequest {
  caller: CallerAttributes;
  purpose: string;
  audience: 'internal' | 'partner' | 'public';
  kind: string;
  k?: number;
  quasi_identifiers?: string[];
  /** 'refuse' (default) refuses the whole export on any denied record; 'drop' omits denied records. */
  onDeny?: 'refuse' | 'drop';
}

/** What the transform did. */
export interface ExportReport {
  records_in: number;
  records_out: number;
  denied: { id: string; decision_id: string; reasons: DecisionOf<'graphgate/export/decision'>['reasons'] }[];
  redacted: { id: string; fields: string[] }[];
  kanonymity: KAnonReport;
  decisions: DecisionOf<'graphgate/export/decision'>[];
}

/**
 * Runs the policy over `records` for `request` and returns the rows to release with a report.
 * Throws PolicyDeniedError (POLICY_DENIED, with the explain) when the export is refused.
 */
export function transformExport(
  engine: PolicyEngine,
  request: ExportRequest,
  records: ExportRecord[],
  now: Date = new Date(),
): { rows: Record<string, unknown>[]; report: ExportReport } {
  const policyRequest = { purpose: request.purpose, audience: request.audience, kind: request.kind };
  const decisions: DecisionOf<'graphgate/export/decision'>[] = [];
  const denied: ExportReport['denied'] = [];
  const redacted: ExportReport['redacted'] = [];
  const rows: Record<string, unknown>[] = [];

  for (const record of records) {
    const { values, id, ...view } = record;
    const decision = engine.evaluate('graphgate/export/decision', {
      now_ms: now.getTime(),
      caller: request.caller,
      request: policyRequest,
      record: { id, ...view },
    });
    decisions.push(decision);
    if (!decision.allow) {
      if ((request.onDeny ?? 'refuse') === 'refuse') {
        throw new PolicyDeniedError('graphgate/export/decision', decision.decision_id, decision.reasons);
      }
      denied.push({ id, decision_id: decision.decision_id, reasons: decision.reasons });
      continue;
    }
    const row = { ...values };
    for (const field of decision.redact) delete row[field];
    if (decision.redact.length > 0) redacted.push({ id, fields: decision.redact });
    rows.push(row);
  }

  const kanon = anonymise(engine, rows, {
    kind: request.kind,
    ...(request.k === undefined ? {} : { k: request.k }),
    ...(request.quasi_identifiers === undefined ? {} : { quasi_identifiers: request.quasi_identifiers }),
  });
  if (!kanon.allow) {
    throw new PolicyDeniedError('graphgate/kanon/decision', kanon.decision.decision_id, kanon.decision.reasons);
  }
  return {
    rows: kanon.rows,
    report: {
      records_in: records.length,
      records_out: kanon.rows.length,
      denied,
      redacted,
      kanonymity: kanon.report,
      decisions,
    },
  };
}
