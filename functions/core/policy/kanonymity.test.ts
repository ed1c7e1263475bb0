import { describe, expect, it } from 'vitest';
import { anonymise } from './kanonymity.js';
import { createStaticPolicyEngine } from './static-engine.js';

// a stand-in policy: k=3, no suppression budget unless stated, one QI with a two-step ladder
function engineWith(budget: number) {
  const reasons = [{ rule: 'test', message: 'test', unlock: 'test' }];
  return createStaticPolicyEngine({
    'graphgate/kanon/plan': (input) => ({
      allow: true,
      reasons,
      required: (input as { request: { kind: string } }).request.kind === 'nlq',
      k: 3,
      max_suppression_ratio: 0,
      quasi_identifiers: [{ field: 'age', ladder: [{ range: 10 }, { range: 100 }] }],
    }),
    'graphgate/kanon/decision': (input) => {
      const groups = (input as { groups: { key: string; size: number }[] }).groups;
      const small = groups.filter((g) => g.size < 3);
      const suppressed = small.reduce((n, g) => n + g.size, 0);
      return {
        allow: suppressed <= budget,
        reasons,
        k: 3,
        small_groups: small.map((g) => g.key),
        suppressed_rows: suppressed,
      };
    },
  });
}

const rows = [21, 22, 23, 35, 36, 37, 38, 95].map((age) => ({ age }));

describe('anonymise', () => {
  it('returns rows untouched when the plan does not require k-anonymity', () => {
    const result = anonymise(engineWith(0), rows, { kind: 'bulk' });
    expect(result).toMatchObject({ allow: true, rows, report: { required: false } });
  });

  it('stops at the first level the policy accepts and suppresses its small groups', () => {
    const result = anonymise(engineWith(1), rows, { kind: 'nlq' });
    if (!result.allow) throw new Error('expected allow');
    expect(result.report.level).toBe(1);
    expect(result.rows.map((r) => r.age)).toEqual(['20-29', '20-29', '20-29', '30-39', '30-39', '30-39', '30-39']);
    expect(result.report).toMatchObject({
      suppressed_rows: 1,
      suppressed_groups: 1,
      generalised: [{ field: 'age', step: { range: 10 } }],
    });
    expect(result.report.decision_ids).toHaveLength(3); // plan + levels 0 and 1
  });

  it('generalises further when suppression at a lower level is over budget', () => {
    const result = anonymise(engineWith(0), rows, { kind: 'nlq' });
    if (!result.allow) throw new Error('expected allow');
    expect(result.report.level).toBe(2);
    expect(new Set(result.rows.map((r) => r.age))).toEqual(new Set(['0-99']));
  });

  it('reports the last refusal when no level is acceptable', () => {
    const result = anonymise(engineWith(0), rows.slice(0, 2), { kind: 'nlq' });
    expect(result.allow).toBe(false);
    expect(result.report.level).toBe(2);
  });
});
