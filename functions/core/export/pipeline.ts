/**
 * The export pipeline: policy view of each entity → per-record decision (purpose, licence, retention, redaction) →
 * k-anonymity → a decision log entry in the audit ledger for every decision made, then the rows and a report.
 *
 * Every decision is logged before anything is returned or refused, so the ledger shows refusals as well as releases;
 * if the ledger cannot be written the export fails rather than release unaudited data.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLedger } from '../audit/types.js';
import type { ExportEntity } from '../graph/types.js';
import {
  type CallerAttributes,
  type KAnonReport,
  type PolicyEngine,
  toDecisionLogEntry,
  transformExport,
} from '../policy/index.js';
import { ExportRefusedError, type RefusedRecord } from './errors.js';
import { directIdentifiers, type ExportKind, toExportRecord } from './record.js';
import { type RecordedDecision, recordingEngine } from './recording-engine.js';

/** One export request, after the GraphQL layer resolved tenant, caller and selection. */
export interface ExportInput {
  tenant: string;
  /** The caller's subject, named as the actor of every ledger entry. */
  actor: string;
  caller: CallerAttributes;
  purpose: string;
  audience: 'internal' | 'partner' | 'public';
  kind: ExportKind;
  k?: number;
  quasiIdentifiers?: string[];
  /** `refuse` (default) fails the whole export on any denied record; `drop` leaves them out and reports them. */
  onDeny?: 'refuse' | 'drop';
}

/** What an export released and what it did to get there. */
export interface ExportOutcome {
  rows: Record<string, unknown>[];
  report: {
    exportId: string;
    revision: string;
    recordsIn: number;
    recordsOut: number;
    redactions: { id: string; fields: string[] }[];
    /** Direct identifiers left out of every row (NLQ exports). */
    removedIdentifiers: string[];
    refused: RefusedRecord[];
    kanonymity: KAnonReport;
    decisionIds: string[];
  };
}

/** The ledger entry's subject: the record a decision was about, else the export. */
function subjectOf(call: RecordedDecision, exportId: string): string {
  const id = (call.input as { record?: { id?: unknown } }).record?.id;
  return typeof id === 'string' ? id : exportId;
}

async function logDecisions(ledger: AuditLedger, input: ExportInput, exportId: string, calls: RecordedDecision[]) {
  // One entry per decision, in the order decided, written together: an export of 100 records costs a block write,
  // not 100 conditional puts one after another (they were most of an NLQ answer's time under load).
  await ledger.appendAll(
    input.tenant,
    calls.map((call) => ({
      kind: 'policy.decision',
      actor: input.actor,
      subject: subjectOf(call, exportId),
      data: { ...toDecisionLogEntry(call.decision, call.input), export_id: exportId, operation: 'exportEntities' },
    })),
  );
}

/**
 * Runs an export of `entities` for `input`, logging every decision to `ledger`.
 * Throws ExportRefusedError (POLICY_DENIED) when a record is denied and `onDeny` is `refuse`, and PolicyDeniedError
 * when no k-anonymity level is releasable.
 */
export async function runExport(
  deps: { engine: PolicyEngine; ledger: AuditLedger },
  input: ExportInput,
  entities: ExportEntity[],
  now: Date = new Date(),
): Promise<ExportOutcome> {
  const exportId = randomUUID();
  const engine = recordingEngine(deps.engine);
  const records = entities.map((e) => toExportRecord(e, input.kind));
  let result: ReturnType<typeof transformExport> | undefined;
  let failure: unknown;
  try {
    result = transformExport(
      engine,
      {
        caller: input.caller,
        purpose: input.purpose,
        audience: input.audience,
        kind: input.kind,
        ...(input.k === undefined ? {} : { k: input.k }),
        ...(input.quasiIdentifiers === undefined ? {} : { quasi_identifiers: input.quasiIdentifiers }),
        // Always decide every record, so a refusal can name all of them and every decision is logged.
        onDeny: 'drop',
      },
      records,
      now,
    );
  } catch (error) {
    failure = error;
  }
  await logDecisions(deps.ledger, input, exportId, [...engine.decisions]);
  if (failure !== undefined || result === undefined) throw failure;

  const refused = result.report.denied.map((d) => ({ id: d.id, decisionId: d.decision_id, reasons: d.reasons }));
  if ((input.onDeny ?? 'refuse') === 'refuse' && refused.length > 0) throw new ExportRefusedError(exportId, refused);
  return {
    rows: result.rows,
    report: {
      exportId,
      revision: deps.engine.revision,
      recordsIn: result.report.records_in,
      recordsOut: result.report.records_out,
      redactions: result.report.redacted,
      removedIdentifiers: input.kind === 'nlq' ? [...directIdentifiers] : [],
      refused,
      kanonymity: result.report.kanonymity,
      decisionIds: engine.decisions.map((d) => d.decision.decision_id),
    },
  };
}
