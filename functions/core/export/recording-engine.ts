/**
 * A policy engine decorator that keeps every decision with the exact input it was made on, so the export can write a
 * decision log entry (with the input's hash) for each one — including the decisions made before a refusal.
 */
import type { AnyDecision, Entrypoint, PolicyEngine } from '../policy/index.js';

/** One evaluation as it happened. */
export interface RecordedDecision {
  decision: AnyDecision;
  input: unknown;
}

/** The engine plus what it decided, in order. */
export interface RecordingEngine extends PolicyEngine {
  readonly decisions: readonly RecordedDecision[];
}

/** Wraps `engine`; evaluation is unchanged. */
export function recordingEngine(engine: PolicyEngine): RecordingEngine {
  const decisions: RecordedDecision[] = [];
  return {
    revision: engine.revision,
    decisions,
    evaluate<E extends Entrypoint>(entrypoint: E, input: unknown) {
      const decision = engine.evaluate(entrypoint, input);
      decisions.push({ decision, input });
      return decision;
    },
  };
}
