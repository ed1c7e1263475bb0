import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { costFormulas } from '../../../../functions/core/cost/index.js';
import { cloudwatch, services } from '../../../../functions/core/metrics/names.js';
import { stages } from '../../config/stages.js';
import { burnRatePolicies } from '../../slo/burn-rate.js';
import { slos } from '../../slo/slos.js';
import { BUDGET_ALERT_PERCENT } from '../../stacks/budgets-stack.js';
import type { SynthesizedStage } from '../synth.js';

/** Alarms, dashboards and budgets of a synthesized stage (prod amounts). */
export function observabilitySuite(stage: () => SynthesizedStage): void {
  const observability = () => stage().templates.observability;
  const budgets = () => stage().templates.budgets;

  /** The JSON body of a dashboard (Fn::Join of literal parts and tokens) as text, tokens replaced by `<token>`. */
  function dashboardBody(name: string): string {
    const found = Object.values(
      observability().findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: name } }),
    );
    expect(found, `dashboard ${name}`).toHaveLength(1);
    const body = found[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
    if (typeof body === 'string') return body;
    return body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<token>')).join('');
  }

  describe('SLO burn-rate alarms', () => {
    it('exist for every SLO and policy: a composite of both windows, routed by severity', () => {
      for (const slo of slos) {
        for (const policy of burnRatePolicies) {
          const name = `graphgate-prod-slo-${slo.id}-${policy.name}`;
          const composites = observability().findResources('AWS::CloudWatch::CompositeAlarm', {
            Properties: { AlarmName: name },
          });
          expect(Object.keys(composites), name).toHaveLength(1);
          const rule = JSON.stringify(Object.values(composites)[0]!.Properties.AlarmRule);
          expect(rule).toContain(' AND ');
          for (const window of [policy.long, policy.short]) {
            observability().hasResourceProperties('AWS::CloudWatch::Alarm', {
              AlarmName: `${name}-${window.label}`,
              Threshold: Number(Math.min(1, policy.factor * (1 - slo.objective)).toFixed(6)),
              Metrics: Match.arrayWith([Match.objectLike({ ReturnData: true, Expression: Match.anyValue() })]),
            });
          }
        }
      }
      observability().resourceCountIs('AWS::CloudWatch::CompositeAlarm', slos.length * burnRatePolicies.length);
    });

    it('uses the windows of each policy as alarm periods (5 m and 1 h fast, 1 h and 6 h slow)', () => {
      const periods = (suffix: string) =>
        Object.values(observability().findResources('AWS::CloudWatch::Alarm'))
          .filter((a) => String(a.Properties.AlarmName).endsWith(suffix))
          .flatMap((a) =>
            (a.Properties.Metrics as { MetricStat?: { Period: number } }[]).flatMap((m) => m.MetricStat?.Period ?? []),
          );
      expect(new Set(periods('fast-5m'))).toEqual(new Set([300]));
      expect(new Set(periods('slow-6h'))).toEqual(new Set([21_600]));
    });

    it('pages on queue lag over 60 s and tickets on the DLQ rate', () => {
      observability().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'graphgate-prod-er-queue-lag',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 60,
      });
      observability().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'graphgate-prod-er-dlq-rate',
        Threshold: 0.001,
      });
    });

    it('tickets when the oldest open review candidate is older than a day', () => {
      observability().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'graphgate-prod-er-review-backlog-age',
        Namespace: cloudwatch.reviewBacklogOldestAge.namespace,
        MetricName: cloudwatch.reviewBacklogOldestAge.name,
        // The emitters' EMF dimension set (functions/er-intake/backlog.test.ts checks the documents against this).
        Dimensions: [{ Name: 'service', Value: services.erIntake }],
        Threshold: 86_400,
      });
    });
  });

  describe('dashboards', () => {
    it('Gateway shows RPS, p95/p99, errors and the cache hit ratio', () => {
      const body = dashboardBody('graphgate-prod-gateway');
      for (const text of ['Requests per second', 'p95', 'p99', 'Url5xxCount', 'cache hit ratio'])
        expect(body).toContain(text);
    });

    it('ER queue shows depth, age, throughput and the DLQ', () => {
      const body = dashboardBody('graphgate-prod-er-queue');
      for (const text of [
        'ApproximateNumberOfMessagesVisible',
        'ApproximateAgeOfOldestMessage',
        'Throughput',
        'DLQ',
        cloudwatch.reviewBacklogOpen.name,
        cloudwatch.reviewBacklogOldestAge.name,
      ]) {
        expect(body).toContain(text);
      }
    });

    it('Cost shows $ per 1M GraphQL calls and $ per 1k events as metric math over the price table', () => {
      const body = dashboardBody('graphgate-prod-cost');
      for (const f of costFormulas) expect(body).toContain(f.label);
      // The CloudFront request price (0.000001) and the arm64 GB-s price appear as literals of the formulas.
      expect(body).toContain('cfreq*0.000001');
      expect(body).toContain('0.0000133334');
    });
  });

  describe('budgets', () => {
    const byName = (suffix: string) =>
      Object.values(budgets().findResources('AWS::Budgets::Budget')).find((b) =>
        String(b.Properties.Budget.BudgetName).endsWith(suffix),
      )!;

    it('caps infra at the stage amount with 80% actual and 100% forecast notifications', () => {
      const infra = byName('-infra');
      expect(infra.Properties.Budget.BudgetLimit).toEqual({ Amount: stages.prod.budgets.infraUsd, Unit: 'USD' });
      const notes = infra.Properties.NotificationsWithSubscribers.map((n: { Notification: unknown }) => n.Notification);
      expect(notes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            NotificationType: 'ACTUAL',
            Threshold: BUDGET_ALERT_PERCENT,
            ThresholdType: 'PERCENTAGE',
          }),
          expect.objectContaining({ NotificationType: 'FORECASTED', Threshold: 100 }),
        ]),
      );
    });

    it('caps LLM spend by cost-allocation tag, alerting at 80%, with a CloudWatch spend alarm', () => {
      const llm = byName('-llm');
      expect(llm.Properties.Budget.BudgetLimit.Amount).toBe(5_000);
      expect(llm.Properties.Budget.CostFilters).toEqual({ TagKeyValue: ['user:CostCenter$graphgate-llm'] });
      expect(llm.Properties.NotificationsWithSubscribers[0].Notification.Threshold).toBe(80);
      budgets().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'LlmSpendUsd',
        Namespace: 'Graphgate/Cost',
      });
    });
  });
}
