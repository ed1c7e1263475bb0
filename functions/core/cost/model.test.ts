import { describe, expect, it } from 'vitest';
import { gatewayCostFormula, ingestCostFormula } from './formulas.js';
import { decimal, evaluateFormula, formulaExpression, type Usage, usageKeys } from './model.js';
import { prices } from './prices.js';
import { defaultWorkload, usageFromWorkload } from './workload.js';

const zero = Object.fromEntries(usageKeys.map((k) => [k, 0])) as Usage;

describe('cost model', () => {
  it('prices 1M edge calls with nothing else at the CloudFront + Lambda@Edge request prices', () => {
    const usage = { ...zero, graphqlCalls: 1e6, edgeInvocations: 1e6 };
    const r = evaluateFormula(gatewayCostFormula, usage, prices);
    expect(r.perUnitUsd).toBeCloseTo(0.01 * 100 + 0.6, 10); // $0.01 per 10k + $0.60 per 1M
  });

  it('gives the default workload a plausible $/1M calls and $/1k events', () => {
    const usage = usageFromWorkload(defaultWorkload);
    const gw = evaluateFormula(gatewayCostFormula, usage, prices);
    const ing = evaluateFormula(ingestCostFormula, usage, prices);
    expect(gw.perUnitUsd).toBeGreaterThan(1);
    expect(gw.perUnitUsd).toBeLessThan(20);
    expect(ing.perUnitUsd).toBeGreaterThan(0.001);
    expect(ing.perUnitUsd).toBeLessThan(0.1);
    expect(gw.lines.reduce((s, l) => s + l.perUnitUsd, 0)).toBeCloseTo(gw.perUnitUsd, 10);
  });

  it('renders the same formula as CloudWatch metric math with plain decimals', () => {
    const exprs = Object.fromEntries(usageKeys.map((k) => [k, k.toLowerCase()]));
    const e = formulaExpression(gatewayCostFormula, { ...exprs, originGbSeconds: 'odur/1000*1' }, prices);
    expect(e.startsWith('(graphqlcalls*0.000001+')).toBe(true);
    expect(e).toContain('+(odur/1000*1)*0.0000133334+');
    expect(e.endsWith(')/graphqlcalls*1000000')).toBe(true);
    expect(e).not.toMatch(/e-\d/);
    expect(decimal(0.6 / 1e6)).toBe('0.0000006');
  });

  it('evaluates what it renders: the expression computed by hand equals evaluateFormula', () => {
    const usage = usageFromWorkload(defaultWorkload);
    const expr = formulaExpression(ingestCostFormula, Object.fromEntries(usageKeys.map((k) => [k, `u.${k}`])), prices);
    const viaExpression = new Function('u', `return ${expr.replaceAll(/\bu\.(\w+)/g, 'u.$1')}`)(usage) as number;
    expect(viaExpression).toBeCloseTo(evaluateFormula(ingestCostFormula, usage, prices).perUnitUsd, 12);
  });

  it('refuses to render a formula when a usage expression is missing', () => {
    expect(() => formulaExpression(ingestCostFormula, {}, prices)).toThrow(/intakeApiRequests/);
  });
});
