import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { cloudwatch, services } from '../../../functions/core/metrics/names.js';
import { prefix, type StageConfig } from '../config/stages.js';
import { runbookSections, withRunbook } from '../observability/runbooks.js';
import { signalMetric } from '../observability/signal-metric.js';

export interface BudgetsStackProps extends StackProps {
  readonly stage: StageConfig;
  /** Budget notifications go to finance; forecasts over 100% also open an on-call ticket. */
  readonly finance: ITopic;
  readonly ticket: ITopic;
}

/** Cost-allocation tags (activate both in Billing › Cost allocation tags; budgets filter on them). */
export const costTags = { key: 'CostCenter', infra: 'graphgate-infra', llm: 'graphgate-llm' } as const;

/** Alert at this share of a budget (DESIGN › Budgets). */
export const BUDGET_ALERT_PERCENT = 80;

/**
 * Budgets: monthly infra and LLM cost budgets (AWS Budgets, filtered by cost-allocation tag) with notifications at 80%
 * actual and 100% forecast, plus a CloudWatch alarm on the LLM spend the functions report, which reacts within a day
 * instead of Billing's 8–24 h delay.
 */
export class BudgetsStack extends Stack {
  readonly infraBudget: CfnBudget;
  readonly llmBudget: CfnBudget;
  readonly llmSpendAlarm: Alarm;

  constructor(scope: Construct, id: string, props: BudgetsStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const p = prefix(stage);
    const sns = (topic: ITopic) => [{ subscriptionType: 'SNS', address: topic.topicArn }];
    const notifications = (withForecast: boolean): CfnBudget.NotificationWithSubscribersProperty[] => [
      {
        notification: {
          notificationType: 'ACTUAL',
          comparisonOperator: 'GREATER_THAN',
          threshold: BUDGET_ALERT_PERCENT,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: sns(props.finance),
      },
      ...(withForecast
        ? [
            {
              notification: {
                notificationType: 'FORECASTED',
                comparisonOperator: 'GREATER_THAN',
                threshold: 100,
                thresholdType: 'PERCENTAGE',
              },
              subscribers: sns(props.ticket),
            },
          ]
        : []),
    ];
    const budget = (id: string, name: string, amount: number, tagValue: string, withForecast: boolean) =>
      new CfnBudget(this, id, {
        budget: {
          budgetName: name,
          budgetType: 'COST',
          timeUnit: 'MONTHLY',
          budgetLimit: { amount, unit: 'USD' },
          costFilters: { TagKeyValue: [`user:${costTags.key}$${tagValue}`] },
        },
        notificationsWithSubscribers: notifications(withForecast),
      });
    this.infraBudget = budget('InfraBudget', `${p}-infra`, stage.budgets.infraUsd, costTags.infra, true);
    this.llmBudget = budget('LlmBudget', `${p}-llm`, stage.budgets.llmUsd, costTags.llm, true);

    // Daily LLM spend above the pace that reaches 80% of the monthly budget in 30 days.
    const dailyLimit = Number(((stage.budgets.llmUsd * BUDGET_ALERT_PERCENT) / 100 / 30).toFixed(2));
    this.llmSpendAlarm = new Alarm(this, 'LlmSpend', {
      alarmName: `${p}-llm-spend-pace`,
      alarmDescription: withRunbook(
        `LLM spend above $${dailyLimit}/day (${BUDGET_ALERT_PERCENT}% of $${stage.budgets.llmUsd}/month)`,
        runbookSections.llmSpendPace,
      ),
      metric: signalMetric(
        cloudwatch.llmSpendUsd,
        { service: services.graphql, Stage: stage.name },
        Stats.SUM,
        Duration.days(1),
      ),
      threshold: dailyLimit,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.llmSpendAlarm.addAlarmAction(new SnsAction(props.finance), new SnsAction(props.ticket));
  }
}
