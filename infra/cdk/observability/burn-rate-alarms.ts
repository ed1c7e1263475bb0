import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  ComparisonOperator,
  CompositeAlarm,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type BurnRatePolicy, burnRatePolicies, burnThreshold, type Window } from '../slo/burn-rate.js';
import { errorBudget, type SliSource, type Slo, slos } from '../slo/slos.js';
import { runbookSections, withRunbook } from './runbooks.js';

/** Builds a metric of a source (namespace and dimensions bound to a deployed resource) for a window. */
export type SourceMetric = (metricName: string, statistic: string, period: Duration) => IMetric;

export interface BurnRateAlarmsProps {
  readonly prefix: string;
  readonly sources: Record<SliSource, SourceMetric>;
  readonly topics: Record<BurnRatePolicy['severity'], ITopic>;
  readonly slos?: readonly Slo[];
}

/**
 * Per SLO and burn-rate policy: two metric-math alarms on the error ratio (long and short window) joined by a
 * CompositeAlarm (AND) — the composite alone notifies, so a single noisy window never pages.
 */
export class BurnRateAlarms extends Construct {
  readonly composites: CompositeAlarm[] = [];

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    for (const slo of props.slos ?? slos) {
      for (const policy of burnRatePolicies) {
        const threshold = burnThreshold(policy, errorBudget(slo));
        const name = `${props.prefix}-slo-${slo.id}-${policy.name}`;
        const child = (window: Window) =>
          new Alarm(this, `${slo.id}-${policy.name}-${window.label}`, {
            alarmName: `${name}-${window.label}`,
            alarmDescription: withRunbook(
              `${slo.id} error ratio over ${window.label} > ${threshold} (${policy.factor}× budget)`,
              runbookSections.sloBurn(slo.id),
            ),
            metric: errorRatio(slo, props.sources[slo.cloudwatch.source], Duration.seconds(window.seconds)),
            threshold,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            // No traffic is not an outage; missing ratios (0/0) never breach.
            treatMissingData: TreatMissingData.NOT_BREACHING,
          });
        const composite = new CompositeAlarm(this, `${slo.id}-${policy.name}`, {
          compositeAlarmName: name,
          alarmDescription: withRunbook(
            `${slo.description}: ${policy.name} burn (${policy.factor}× over ${policy.long.label} AND ${policy.short.label}) → ${policy.severity}`,
            runbookSections.sloBurn(slo.id),
          ),
          alarmRule: AlarmRule.allOf(child(policy.long), child(policy.short)),
        });
        composite.addAlarmAction(new SnsAction(props.topics[policy.severity]));
        composite.addOkAction(new SnsAction(props.topics[policy.severity]));
        this.composites.push(composite);
      }
    }
  }
}

/** The SLI's bad-event ratio (0..1) over `period`, as metric math on the metrics `metric` builds. */
export function errorRatio(slo: Slo, metric: SourceMetric, period: Duration): MathExpression {
  const sli = slo.cloudwatch;
  if (sli.kind === 'ratio') {
    return new MathExpression({
      expression: 'FILL(bad, 0) / total',
      usingMetrics: {
        bad: metric(sli.badMetric, Stats.SUM, period),
        total: metric(sli.totalMetric, Stats.SUM, period),
      },
      period,
      label: `${slo.id} error ratio`,
    });
  }
  // PR(:t) is the percentage of requests at or under t ms; the rest spend the latency budget.
  return new MathExpression({
    expression: '(100 - fast) / 100',
    usingMetrics: { fast: metric(sli.latencyMetric, Stats.percentileRank(sli.thresholdMs), period) },
    period,
    label: `${slo.id} share slower than ${sli.thresholdMs} ms`,
  });
}
