/**
 * Errors of the policy area. Clients branch on `code`, never on the message.
 */
import { DomainError } from '../errors.js';

/** Stable codes for policy errors. */
export type PolicyErrorCode =
  | 'POLICY_DENIED'
  | 'POLICY_BUNDLE_MISSING'
  | 'POLICY_BUNDLE_INVALID'
  | 'POLICY_EVALUATION_FAILED'
  | 'POLICY_DECISION_INVALID'
  | 'POLICY_BUILD_FAILED';

/** Base class: every policy error carries a stable code and optional context. */
export class PolicyError extends DomainError<PolicyErrorCode> {}

/** One explain entry, repeated here so errors.ts imports nothing else of the policy area. */
export interface DenyReason {
  rule: string;
  message: string;
  unlock: string | null;
}

/** A decision denied the request; `reasons` says which rule, why, and what would unlock it. */
export class PolicyDeniedError extends PolicyError {
  readonly reasons: DenyReason[];
  readonly decisionId: string;

  constructor(entrypoint: string, decisionId: string, reasons: DenyReason[]) {
    const first = reasons[0];
    super('POLICY_DENIED', first ? `${first.rule}: ${first.message}` : `denied by ${entrypoint}`, {
      context: { entrypoint, decisionId },
    });
    this.reasons = reasons;
    this.decisionId = decisionId;
  }
}

/** The built bundle (policy.wasm, data.json, revision.json) is not where the engine looked. */
export class PolicyBundleMissingError extends PolicyError {
  constructor(dir: string, options: { cause?: unknown } = {}) {
    super('POLICY_BUNDLE_MISSING', `no policy bundle in ${dir}; run the policy build (scripts/build-policies.ts)`, {
      ...options,
      context: { dir },
    });
  }
}

/** The bundle loaded but does not match what this code expects (missing entrypoint, bad revision file). */
export class PolicyBundleInvalidError extends PolicyError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('POLICY_BUNDLE_INVALID', message, { context });
  }
}

/** The wasm evaluation itself failed or returned no result. */
export class PolicyEvaluationError extends PolicyError {
  constructor(entrypoint: string, options: { cause?: unknown } = {}) {
    super('POLICY_EVALUATION_FAILED', `evaluating ${entrypoint} failed`, { ...options, context: { entrypoint } });
  }
}

/** The policy returned a value that does not fit the decision contract. */
export class PolicyDecisionInvalidError extends PolicyError {
  constructor(entrypoint: string, issues: string) {
    super('POLICY_DECISION_INVALID', `${entrypoint} returned an invalid decision: ${issues}`, {
      context: { entrypoint },
    });
  }
}

/** opa fmt / check / build failed; `output` holds what opa printed. */
export class PolicyBuildError extends PolicyError {
  constructor(step: string, output: string) {
    super('POLICY_BUILD_FAILED', `opa ${step} failed:\n${output}`, { context: { step } });
  }
}
