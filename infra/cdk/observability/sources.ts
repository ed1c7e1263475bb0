import { type Duration, Stack } from 'aws-cdk-lib';
import { type IMetric, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { EDGE_REGION, type StageConfig } from '../config/stages.js';
import type { GraphgateFunction } from '../constructs/graphgate-function.js';
import type { SliSource } from '../slo/slos.js';
import type { ApiStack } from '../stacks/api-stack.js';
import type { DataStack } from '../stacks/data-stack.js';
import type { EdgeStack } from '../stacks/edge-stack.js';
import type { IngestStack } from '../stacks/ingest-stack.js';
import type { SourceMetric } from './burn-rate-alarms.js';

/** The deployed resources the observability stack reads metrics of. */
export interface ObservedStacks {
  readonly stage: StageConfig;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
  readonly ingest: IngestStack;
}

/** A metric of one resource by name: the resource's dimensions are bound, the statistic defaults to Sum. */
export type MetricFn = (metricName: string, statistic?: string, period?: Duration) => Metric;

/** Metrics of a Lambda function (all versions and aliases). */
export const lambdaMetrics =
  (functionName: string): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: functionName },
      statistic,
      period,
    });

/** Metrics of an SQS queue. */
export const queueMetrics =
  (queueName: string): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({ namespace: 'AWS/SQS', metricName, dimensionsMap: { QueueName: queueName }, statistic, period });

/** Metrics of a DynamoDB table. */
export const tableMetrics =
  (tableName: string): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: tableName }, statistic, period });

/** Metrics of an HTTP API stage (API Gateway v2). */
export const httpApiMetrics =
  (apiId: string, stageName: string): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: apiId, Stage: stageName },
      statistic,
      period,
    });

/** Metrics of a Lambda event source mapping (its event counts, with `metricsConfig` EVENT_COUNT). */
export const eventSourceMappingMetrics =
  (mappingId: string): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { EventSourceMappingUUID: mappingId },
      statistic,
      period,
    });

/** Metric factories per resource, so widgets and alarms name a metric once with the right dimensions and region. */
export function metricsOf(s: ObservedStacks) {
  const lambda = (fn: GraphgateFunction) => lambdaMetrics(fn.fn.functionName);
  const sqs = queueMetrics;
  const table = tableMetrics;
  return {
    origin: lambda(s.api.graphql),
    intake: lambda(s.ingest.intake),
    consumer: lambda(s.ingest.consumer),
    replay: lambda(s.ingest.replay),
    queue: sqs(s.ingest.queue.queueName),
    dlq: sqs(s.ingest.dlq.queueName),
    idempotencyTable: table(s.data.tables.idempotency.tableName),
    auditTable: table(s.data.tables.auditLedger.tableName),
    /** CloudFront publishes in us-east-1 with Region=Global, whatever the home region. */
    cloudfront: ((metricName, statistic = Stats.SUM, period) =>
      new Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: s.edge.distribution.distributionId, Region: 'Global' },
        statistic,
        period,
        region: EDGE_REGION,
        account: Stack.of(s.api).account,
      })) as MetricFn,
    intakeApi: httpApiMetrics(s.ingest.httpApi.apiId, s.ingest.httpStage.stageName),
  };
}

export type StageMetrics = ReturnType<typeof metricsOf>;

/** Binds the SLO file's symbolic sources to this stage's metrics. */
export function sliSources(m: StageMetrics): Record<SliSource, SourceMetric> {
  return {
    origin: (name, stat, period): IMetric => m.origin(name, stat, period),
    intakeApi: (name, stat, period): IMetric => m.intakeApi(name, stat, period),
  };
}
