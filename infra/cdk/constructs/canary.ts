import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { errorRatio, type SourceMetric } from '../observability/burn-rate-alarms.js';
import { runbookSections, withRunbook } from '../observability/runbooks.js';
import { burnRatePolicy, burnThreshold } from '../slo/burn-rate.js';
import { errorBudget, type Slo } from '../slo/slos.js';
import { acknowledge } from './nag.js';

/** The period every rollback alarm evaluates: short enough to fire twice inside a 5-minute canary. */
export const CANARY_ALARM_PERIOD = Duration.minutes(1);

export interface CanaryProps {
  readonly alias: Alias;
  /** What the function is called in alarm descriptions, e.g. `GraphQL origin`. */
  readonly label: string;
  /** @default 10% for 5 minutes, then all */
  readonly config?: LambdaDeploymentConfig;
}

/** A rollback trigger that is not an SLO ratio (a queue's age, say): the metric, its limit and what it means. */
export interface RollbackAlarmProps {
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** @default 2 (both of the last two 1-minute periods) */
  readonly evaluationPeriods?: number;
}

/**
 * Canary with automatic rollback for a Lambda alias: CodeDeploy shifts 10% of the alias's traffic to the new version
 * for 5 minutes, then the rest, and rolls back if a rollback alarm fires, the deployment fails or someone stops it.
 *
 * Every canary rolls back on `Errors` of the alias (the new version throws). The stacks add the function's SLO alarms
 * with {@link rollbackOnSlo} — the SLO's own error ratio, read from the metrics of the alias (or of the front door that
 * calls it) above the SLO's fast-burn threshold — and other objectives with {@link rollbackOn}. Every metric is one
 * AWS publishes for that resource (AWS/Lambda on `FunctionName` + `Resource=<function>:<alias>`, AWS/ApiGateway,
 * AWS/SQS), so an alarm can only read a series that exists; infra/cdk/canary.test.ts checks each alarm names its alias.
 */
export class CanaryDeployment extends Construct {
  readonly group: LambdaDeploymentGroup;
  readonly alarms: Alarm[] = [];
  readonly alias: Alias;
  readonly label: string;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    this.alias = props.alias;
    this.label = props.label;
    this.group = new LambdaDeploymentGroup(this, 'Group', {
      alias: props.alias,
      deploymentConfig: props.config ?? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    this.rollbackOn('Errors', {
      description: `${props.label} throws (Lambda Errors on the ${props.alias.aliasName} alias)`,
      metric: this.aliasMetric('Errors', Stats.SUM, CANARY_ALARM_PERIOD),
      threshold: 0,
      evaluationPeriods: 1,
    });
    acknowledge(
      this.group,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'The AWS managed CodeDeploy-for-Lambda policy (the Limited variant) only lets CodeDeploy shift alias weights and read the alarms of its own deployment group.',
    );
  }

  /** A metric Lambda publishes for this alias (invocation metrics and the function URL's `Url*` metrics). */
  readonly aliasMetric: SourceMetric = (metricName, statistic, period) =>
    new Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: {
        FunctionName: this.alias.lambda.functionName,
        Resource: `${this.alias.lambda.functionName}:${this.alias.aliasName}`,
      },
      statistic,
      period,
    });

  /**
   * Rolls back when the SLO's error ratio over `metrics` (the alias's own by default) exceeds the SLO's fast-burn
   * threshold in two consecutive minutes. `scope` says whose traffic the ratio covers when it is not the alias's.
   */
  rollbackOnSlo(slo: Slo, metrics: SourceMetric = this.aliasMetric, scope?: string): Alarm {
    const fast = burnRatePolicy('fast');
    return this.rollbackOn(`Slo-${slo.id}`, {
      description: `${this.label} held to ${slo.description}: error ratio${scope ? ` of ${scope}` : ''} above ${fast.factor}× the budget`,
      metric: errorRatio(slo, metrics, CANARY_ALARM_PERIOD),
      threshold: burnThreshold(fast, errorBudget(slo)),
    });
  }

  /** Adds a rollback alarm on `metric` above `threshold`; missing data (no traffic) never rolls back. */
  rollbackOn(id: string, props: RollbackAlarmProps): Alarm {
    const evaluationPeriods = props.evaluationPeriods ?? 2;
    const alarm = new Alarm(this, id, {
      alarmDescription: withRunbook(`Canary rollback: ${props.description}`, runbookSections.canaryRollback),
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.group.addAlarm(alarm);
    this.alarms.push(alarm);
    return alarm;
  }
}
