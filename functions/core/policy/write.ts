/**
 * Write authorisation inside a tenant: the input of the write policy (graphgate/write/decision) and the decision on it.
 */
import type { DecisionOf } from './decisions.js';
import type { PolicyEngine } from './engine.js';
import type { CallerAttributes } from './scope.js';

/** One write to one entity as the policy sees it: classes by their policy names (`pii`), `currentClass` null when new. */
export interface WriteRequest {
  operation: string;
  currentClass: string | null;
  newClass: string;
}

/** A write decision with the input it was made on (the decision log stores the input's hash). */
export interface WriteDecision {
  decision: DecisionOf<'graphgate/write/decision'>;
  input: unknown;
}

/**
 * Decides one write: may `caller` make it, and does it lower the entity's class.
 * @example decideWrite(engine, { roles: ['analyst'] }, { operation: 'upsert', currentClass: null, newClass: 'entity' })
 */
export function decideWrite(engine: PolicyEngine, caller: CallerAttributes, request: WriteRequest): WriteDecision {
  const input = {
    caller,
    write: { operation: request.operation, current_class: request.currentClass, new_class: request.newClass },
  };
  return { decision: engine.evaluate('graphgate/write/decision', input), input };
}
