/**
 * The policy engine port. The wasm adapter (wasm-engine.ts) is the real one; the static adapter
 * (static-engine.ts) serves unit tests of code that consumes decisions.
 */
import { randomUUID } from 'node:crypto';
import { type DecisionOf, parseDecision } from './decisions.js';
import type { Entrypoint } from './entrypoints.js';
import { PolicyDecisionInvalidError } from './errors.js';

/** Evaluates one entrypoint on one input; synchronous because wasm evaluation is. */
export interface PolicyEngine {
  /** The bundle revision (sha256 of the policy sources) stamped on every decision. */
  readonly revision: string;
  /** Evaluates `entrypoint` with `input` and returns a validated decision with a fresh id. */
  evaluate<E extends Entrypoint>(entrypoint: E, input: unknown): DecisionOf<E>;
}

/** A function that returns the raw policy result, shared by both adapters. */
export type RawEvaluator = (entrypoint: Entrypoint, input: unknown) => unknown;

/**
 * Wraps a raw evaluator into a PolicyEngine: validates the result and adds id, entrypoint and revision.
 * @example const engine = engineFrom('test-rev', (ep, input) => ({ allow: true, reasons: [...] }));
 */
export function engineFrom(revision: string, raw: RawEvaluator): PolicyEngine {
  return {
    revision,
    evaluate<E extends Entrypoint>(entrypoint: E, input: unknown): DecisionOf<E> {
      const parsed = parseDecision(entrypoint, raw(entrypoint, input));
      if (!parsed.ok) throw new PolicyDecisionInvalidError(entrypoint, parsed.issues);
      return { ...parsed.value, decision_id: randomUUID(), entrypoint, revision } as DecisionOf<E>;
    },
  };
}
