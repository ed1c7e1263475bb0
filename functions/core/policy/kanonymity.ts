/**
 * k-anonymity for an export: generalise the declared quasi-identifiers level by level and ask the
 * policy whether the group sizes are releasable; suppress the groups smaller than k at the first
 * level the policy accepts. The grouping runs here (TypeScript); the verdict runs in Rego
 * (graphgate.kanon), so k, ladders and the suppression budget are policy.
 */
import type { DecisionOf } from './decisions.js';
import type { PolicyEngine } from './engine.js';
import { generaliseRow, groupRows, maxLevel, stepAt } from './generalise.js';

/** The export request fields the kanon policy reads. */
export interface KAnonRequest {
  kind: string;
  k?: number;
  quasi_identifiers?: string[];
}

/** What k-anonymity did, for the export report. */
export interface KAnonReport {
  required: boolean;
  k: number;
  level: number;
  max_level: number;
  generalised: { field: string; step: unknown }[];
  groups: number;
  suppressed_groups: number;
  suppressed_rows: number;
  decision_ids: string[];
  reasons: DecisionOf<'graphgate/kanon/decision'>['reasons'];
}

/** Released rows with the report, or the last refusal when no level was acceptable. */
export type KAnonResult =
  | { allow: true; rows: Record<string, unknown>[]; report: KAnonReport }
  | { allow: false; decision: DecisionOf<'graphgate/kanon/decision'>; report: KAnonReport };

/**
 * Applies k-anonymity to `rows` as the policy plans it for `request`.
 * @example const r = anonymise(engine, rows, { kind: 'nlq', quasi_identifiers: ['age', 'postcode'] });
 */
export function anonymise(engine: PolicyEngine, rows: Record<string, unknown>[], request: KAnonRequest): KAnonResult {
  const plan = engine.evaluate('graphgate/kanon/plan', { request });
  const qis = plan.quasi_identifiers;
  const top = maxLevel(qis);
  const report: KAnonReport = {
    required: plan.required,
    k: plan.k,
    level: 0,
    max_level: top,
    generalised: [],
    groups: 0,
    suppressed_groups: 0,
    suppressed_rows: 0,
    decision_ids: [plan.decision_id],
    reasons: plan.reasons,
  };
  if (!plan.required) return { allow: true, rows, report };

  let last: DecisionOf<'graphgate/kanon/decision'> | undefined;
  for (let level = 0; level <= top; level++) {
    const generalised = rows.map((row) => generaliseRow(row, qis, level));
    const groups = groupRows(generalised, qis);
    last = engine.evaluate('graphgate/kanon/decision', {
      request,
      level,
      max_level: top,
      groups: [...groups].map(([key, members]) => ({ key, size: members.length })),
    });
    Object.assign(report, {
      level,
      generalised: level === 0 ? [] : qis.map((q) => ({ field: q.field, step: stepAt(q, level) })),
      groups: groups.size,
      suppressed_groups: last.small_groups.length,
      suppressed_rows: last.suppressed_rows,
      reasons: last.reasons,
    });
    report.decision_ids.push(last.decision_id);
    if (last.allow) {
      const suppressed = new Set(last.small_groups.flatMap((key) => groups.get(key) ?? []));
      return { allow: true, rows: generalised.filter((_, i) => !suppressed.has(i)), report };
    }
  }
  // the loop runs at least once (level 0), so `last` is set
  return { allow: false, decision: last!, report };
}
