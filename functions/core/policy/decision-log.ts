/**
 * Decision log entries for the audit ledger: decision id, bundle revision, input hash and result.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/canonical.js';
import type { AnyDecision } from './decisions.js';

/** One decision log entry; the input itself is not stored, only its hash. */
export interface DecisionLogEntry {
  decision_id: string;
  entrypoint: string;
  revision: string;
  input_hash: string;
  allow: boolean;
  reasons: AnyDecision['reasons'];
  at: string;
}

/** sha256 (hex) of the canonical JSON of a decision input. */
export function hashInput(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** Builds the log entry for `decision` made on `input`. */
export function toDecisionLogEntry(decision: AnyDecision, input: unknown, at: Date = new Date()): DecisionLogEntry {
  return {
    decision_id: decision.decision_id,
    entrypoint: decision.entrypoint,
    revision: decision.revision,
    input_hash: hashInput(input),
    allow: decision.allow,
    reasons: decision.reasons,
    at: at.toISOString(),
  };
}
