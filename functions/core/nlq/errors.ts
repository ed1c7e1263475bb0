/**
 * Errors and refusals of the NLQ area. A refusal is an answer, not a failure: it carries a stable code and a message
 * a person can act on, and the origin returns it as data. Errors are for what the caller sent wrong (INVALID_INPUT)
 * or what failed on our side.
 */
import { DomainError } from '../errors.js';

/** Stable refusal codes: grammar screens, guard verdicts, limits of the model tier. */
export type RefusalCode =
  | 'WRITE_REQUESTED'
  | 'CROSS_TENANT'
  | 'HOPS_TOO_DEEP'
  | 'UNSAFE_REQUEST'
  | 'NOT_UNDERSTOOD'
  | 'PLAN_REJECTED'
  | 'PLAN_INVALID'
  | 'MODEL_UNAVAILABLE'
  | 'LLM_BUDGET_EXHAUSTED'
  | 'POLICY_DENIED'
  | 'RESULT_TOO_LARGE'
  | 'TIMED_OUT';

/** A question NLQ will not answer, and why. */
export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** Codes of NLQ errors (thrown, unlike refusals). */
export type NlqErrorCode = 'INVALID_INPUT' | 'NLQ_UNAVAILABLE' | 'MODEL_ERROR';

export class NlqError extends DomainError<NlqErrorCode> {}

/** The question or purpose failed validation (empty, too long, unknown purpose). */
export class NlqInputError extends NlqError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** A model provider call failed (HTTP error, malformed response, timeout). */
export class ModelCallError extends NlqError {
  constructor(provider: string, message: string, options: { cause?: unknown } = {}) {
    super('MODEL_ERROR', `${provider}: ${message}`, { ...options, context: { provider } });
  }
}
