/**
 * The retention policy as the graph's write path needs it: a data class, creation time and hold in, an expiry out.
 * The tiers, the PII cap and the legal-hold rule live in policies/retention.rego; nothing here restates them.
 */
import { type DataClass, type ExpiryRule, policyClass } from '../graph/types.js';
import type { DecisionOf, PolicyEngine } from '../policy/index.js';

/** What the retention policy says about one stored record. */
export interface RetentionFacts {
  dataClass: DataClass;
  createdAtMs: number;
  legalHold: boolean;
}

/** The retention policy's input for one record at `nowMs` (also hashed into decision log entries). */
export function retentionInput(facts: RetentionFacts, nowMs: number) {
  return {
    now_ms: nowMs,
    record: { classes: [policyClass(facts.dataClass)], created_at_ms: facts.createdAtMs, legal_hold: facts.legalHold },
  };
}

/** The retention decision for one record at `nowMs` (tier, held, expires_at_ms, explain). */
export function retentionDecision(
  engine: PolicyEngine,
  facts: RetentionFacts,
  nowMs: number,
): DecisionOf<'graphgate/retention/decision'> {
  return engine.evaluate('graphgate/retention/decision', retentionInput(facts, nowMs));
}

/**
 * An {@link ExpiryRule} backed by the retention policy: `created + tier days`, or null under legal hold.
 * @example new Neo4jGraphRepository(driver, { expiry: policyExpiry(engine) })
 */
export function policyExpiry(engine: PolicyEngine): ExpiryRule {
  // The expiry does not depend on `now` (only allow/deny does), so the creation time stands in for it.
  return (facts) => retentionDecision(engine, facts, facts.createdAtMs).expires_at_ms;
}
