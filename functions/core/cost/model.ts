import type { PriceTable } from './prices.js';

/**
 * The cost model: each per-unit cost is a linear formula `Σ usage × price / denominator × per`. Formulas are data, so
 * the same definition is both evaluated on numbers (`evaluateFormula`, for the cost report) and rendered as a
 * CloudWatch metric-math expression (`formulaExpression`, for the cost dashboard).
 */

/** Usage quantities over one period (a dashboard period or a month). Units are in the name's comment. */
export const usageKeys = [
  'graphqlCalls', // requests at the edge (CloudFront)
  'cloudfrontGbOut', // GB sent to viewers
  'edgeInvocations', // Lambda@Edge invocations
  'edgeGbSeconds', // Lambda@Edge GB-s
  'originInvocations', // GraphQL origin Lambda invocations (edge cache misses and mutations)
  'originGbSeconds', // origin GB-s
  'upstashCommands', // Redis commands of edge reads and origin writes
  'ingestedEvents', // events accepted onto the intake queue
  'intakeApiRequests', // HTTP API requests of producers
  'intakeInvocations',
  'intakeGbSeconds',
  'sqsRequests', // send + receive + delete + empty receives
  'consumerInvocations',
  'consumerGbSeconds',
  'dynamoWriteUnits',
  'dynamoReadUnits',
  'ingestUpstashCommands', // cache invalidations after ER merges
] as const;

export type UsageKey = (typeof usageKeys)[number];
export type Usage = Record<UsageKey, number>;

/** Keys of the price table that hold a per-unit price. */
export type UnitPriceKey = Exclude<keyof PriceTable, 'asOf' | 'currency' | 'fixedMonthly'>;

/** One line of a cost formula: this much usage at this unit price. */
export interface CostTerm {
  readonly label: string;
  readonly usage: UsageKey;
  readonly price: UnitPriceKey;
}

/** A per-unit cost: the sum of its terms divided by `denominator` usage, times `per`. */
export interface CostFormula {
  readonly id: string;
  /** Human label of the result, e.g. `$ per 1M GraphQL calls`. */
  readonly label: string;
  readonly denominator: UsageKey;
  readonly per: number;
  readonly terms: readonly CostTerm[];
}

/** A formula evaluated on numbers. */
export interface CostResult {
  readonly formula: string;
  /** Variable cost of all terms over the period, USD. */
  readonly totalUsd: number;
  /** `totalUsd / denominator × per`; NaN when the denominator is 0. */
  readonly perUnitUsd: number;
  readonly lines: readonly { label: string; usd: number; perUnitUsd: number }[];
}

/** Evaluates `formula` on measured or modelled usage. */
export function evaluateFormula(formula: CostFormula, usage: Usage, table: PriceTable): CostResult {
  const d = usage[formula.denominator];
  const scale = d > 0 ? formula.per / d : Number.NaN;
  const lines = formula.terms.map((t) => {
    const usd = usage[t.usage] * table[t.price];
    return { label: t.label, usd, perUnitUsd: usd * scale };
  });
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  return { formula: formula.id, totalUsd, perUnitUsd: totalUsd * scale, lines };
}

/**
 * Renders `formula` as a CloudWatch metric-math expression, given an expression for each usage key it uses.
 *
 * @example
 * formulaExpression(gatewayFormula, { graphqlCalls: 'cf', originGbSeconds: 'dur/1000*1', ... }, prices)
 * // → '(cf*0.000001+(dur/1000*1)*0.0000133334+…)/cf*1000000'
 */
export function formulaExpression(
  formula: CostFormula,
  usageExpressions: Partial<Record<UsageKey, string>>,
  table: PriceTable,
): string {
  const expr = (key: UsageKey) => {
    const e = usageExpressions[key];
    if (e === undefined) throw new Error(`cost formula ${formula.id} needs an expression for usage "${key}"`);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(e) ? e : `(${e})`;
  };
  const sum = formula.terms.map((t) => `${expr(t.usage)}*${decimal(table[t.price])}`).join('+');
  return `(${sum})/${expr(formula.denominator)}*${decimal(formula.per)}`;
}

/** The usage keys a formula reads (terms and denominator), without duplicates. */
export function usageKeysOf(formula: CostFormula): UsageKey[] {
  return [...new Set([...formula.terms.map((t) => t.usage), formula.denominator])];
}

/** Plain decimal text (metric math does not document exponent notation, so never emit `6e-7`). */
export function decimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite price: ${n}`);
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(16).replace(/0+$/, '');
}
