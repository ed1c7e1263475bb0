import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { burnRatePolicies, burnThreshold } from './burn-rate.js';
import { prometheusRule, prometheusRuleYaml } from './prometheus.js';
import { errorBudget, slos } from './slos.js';
import { prometheusRulesPath } from './write-prometheus.js';

describe('SLO definitions', () => {
  it('carry the plan’s error budgets: API 0.1%, ingest 0.5%', () => {
    const budget = (id: string) => errorBudget(slos.find((s) => s.id === id)!);
    expect(budget('api-availability')).toBe(0.001);
    expect(budget('ingest-availability')).toBe(0.005);
    expect(new Set(slos.map((s) => s.id)).size).toBe(slos.length);
  });

  it('burn fast at 14.4× over 1 h and 5 m (page) and slow at 6× over 6 h and 1 h (ticket)', () => {
    expect(burnRatePolicies.map((p) => [p.name, p.severity, p.factor, p.long.label, p.short.label])).toEqual([
      ['fast', 'page', 14.4, '1h', '5m'],
      ['slow', 'ticket', 6, '6h', '1h'],
    ]);
    expect(burnThreshold(burnRatePolicies[0]!, 0.001)).toBe(0.0144);
  });
});

describe('PrometheusRule', () => {
  it('has a multiwindow alert per SLO and policy with both windows in the expression', () => {
    const rule = prometheusRule() as {
      spec: { groups: { name: string; rules: { alert?: string; expr: string }[] }[] };
    };
    const sloGroups = rule.spec.groups.filter((g) => g.name.startsWith('slo-'));
    expect(sloGroups).toHaveLength(slos.length);
    const alerts = sloGroups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts).toHaveLength(slos.length * burnRatePolicies.length);
    const fast = alerts.find((a) => a.alert === 'SLOBurn_api_availability_fast')!;
    expect(fast.expr).toBe(
      'slo:api_availability:error_ratio_rate1h > 0.0144 and slo:api_availability:error_ratio_rate5m > 0.0144',
    );
  });

  it('alerts when the oldest open review candidate is older than the CloudWatch alarm allows', () => {
    const rule = prometheusRule() as {
      spec: { groups: { name: string; rules: { alert?: string; expr: string }[] }[] };
    };
    const backlog = rule.spec.groups.find((g) => g.name === 'er-review-backlog')!;
    expect(backlog.rules.map((r) => [r.alert, r.expr])).toEqual([
      ['ErReviewBacklogAge', 'max(er_review_backlog_oldest_age_seconds) > 86400'],
    ]);
  });

  it('is up to date in infra/cdk/slo/prometheus-rules.yaml (run `npm run slo:prometheus`)', () => {
    const onDisk = readFileSync(prometheusRulesPath, 'utf8');
    expect(onDisk).toBe(prometheusRuleYaml());
    expect(parse(onDisk)).toMatchObject({ kind: 'PrometheusRule' });
  });
});
