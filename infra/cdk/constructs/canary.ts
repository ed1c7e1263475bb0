import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { runbookSections, withRunbook } from '../observability/runbooks.js';
import { burnRatePolicies, burnThreshold } from '../slo/burn-rate.js';
import { errorBudget, slos } from '../slo/slos.js';
import { acknowledge } from './nag.js';

export interface CanaryProps {
  readonly alias: Alias;
  /** @default 10% for 5 minutes, then all */
  readonly config?: LambdaDeploymentConfig;
}

/**
 * Canary with automatic rollback for a Lambda alias: CodeDeploy shifts 10% of traffic to the new version for 5
 * minutes, and rolls back if the rollback alarms fire. The alarms read the new version's own signals on the alias — the
 * API availability SLO's error ratio (Url5xxCount / UrlRequestCount) above the fast-burn threshold, and any function
 * error — so a bad version is judged by the objective the SLO alarms page on, not by a separate number.
 */
export class CanaryDeployment extends Construct {
  readonly group: LambdaDeploymentGroup;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const { alias } = props;
    const slo = slos.find((s) => s.id === 'api-availability');
    if (slo?.cloudwatch.kind !== 'ratio') throw new Error('api-availability SLO (ratio) not found');
    const fast = burnRatePolicies.find((p) => p.name === 'fast')!;
    const dims = {
      FunctionName: alias.lambda.functionName,
      Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
    };
    const metric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: dims,
        statistic: 'Sum',
        period: Duration.minutes(1),
      });
    const errorRatio = new MathExpression({
      expression: 'IF(total > 0, bad / total, 0)',
      usingMetrics: { bad: metric(slo.cloudwatch.badMetric), total: metric(slo.cloudwatch.totalMetric) },
      period: Duration.minutes(1),
      label: `${slo.id} error ratio on ${alias.aliasName}`,
    });
    this.alarms = [
      new Alarm(this, 'ErrorRatio', {
        alarmDescription: withRunbook(
          `Canary rollback: ${slo.description}; error ratio above ${fast.factor}× the budget`,
          runbookSections.canaryRollback,
        ),
        metric: errorRatio,
        threshold: burnThreshold(fast, errorBudget(slo)),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'Errors', {
        alarmDescription: withRunbook(
          'Canary rollback: the new version throws (Lambda Errors on the alias)',
          runbookSections.canaryRollback,
        ),
        metric: metric('Errors'),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    this.group = new LambdaDeploymentGroup(this, 'Group', {
      alias,
      deploymentConfig: props.config ?? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: this.alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    acknowledge(
      this.group,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'The AWS managed CodeDeploy-for-Lambda policy (the Limited variant) only lets CodeDeploy shift alias weights and read the alarms of its own deployment group.',
    );
  }
}
