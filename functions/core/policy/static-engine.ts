/**
 * In-memory adapter of the PolicyEngine port: answers from a table of functions. For unit tests of
 * code that consumes decisions; the policies themselves are tested with `opa test` and the wasm adapter.
 */
import { engineFrom, type PolicyEngine } from './engine.js';
import type { Entrypoint } from './entrypoints.js';
import { PolicyEvaluationError } from './errors.js';

/** Raw answers per entrypoint; an entrypoint without an answer fails like a broken bundle would. */
export type StaticAnswers = Partial<Record<Entrypoint, (input: unknown) => unknown>>;

/** Builds an engine that answers from `answers`, validating them like the real adapter does. */
export function createStaticPolicyEngine(answers: StaticAnswers, revision = 'static'): PolicyEngine {
  return engineFrom(revision, (entrypoint, input) => {
    const answer = answers[entrypoint];
    if (!answer) throw new PolicyEvaluationError(entrypoint, { cause: new Error('no static answer') });
    return answer(input);
  });
}
