/**
 * Fakes for unit tests of NLQ logic: an executor that records what would have reached Neo4j and answers counts, a
 * static policy that releases any count of at least 5, and a model tier that answers with a fixed plan (standing in
 * for a compromised or confused model).
 */
import { createStaticPolicyEngine } from '../../policy/index.js';
import type { PlanExecutor } from '../executor.js';
import type { ModelTier } from '../model/tier.js';
import type { Plan } from '../plan.js';

export function recordingExecutor(count = 12) {
  const calls: { kind: 'run' | 'explain'; cypher: string; params: Record<string, unknown> }[] = [];
  const executor: PlanExecutor = {
    async run(plan, params) {
      calls.push({ kind: 'run', cypher: plan.cypher, params });
      return [{ count }];
    },
    async explain(plan, params) {
      calls.push({ kind: 'explain', cypher: plan.cypher, params });
      return { readOnly: true };
    },
  };
  return { executor, calls };
}

export const countPolicy = () =>
  createStaticPolicyEngine({
    'graphgate/kanon/decision': (input) => {
      const size = (input as { groups: { size: number }[] }).groups[0]?.size ?? 0;
      const allow = size === 0 || size >= 5;
      return {
        allow,
        decision_id: `d-${size}`,
        k: 5,
        small_groups: allow ? [] : ['count'],
        suppressed_rows: allow ? 0 : size,
        reasons: [
          {
            rule: 'kanon',
            message: allow ? 'groups are large enough' : 'fewer than 5 entities',
            unlock: allow ? null : 'ask a broader question',
          },
        ],
      };
    },
  });

/** A model tier that always answers with `cypher` as a plan (what a prompt-injected model might do). */
export function fixedPlanModel(cypher: () => string): ModelTier & { calls: number } {
  const tier = {
    calls: 0,
    async translate() {
      tier.calls++;
      const plan: Plan = {
        signature: 'model:test',
        tier: 'model',
        cypher: cypher(),
        slotNames: [],
        shape: 'entities',
        maxHops: 3,
      };
      return { plan, slotValues: {} };
    },
  };
  return tier;
}
