/**
 * Metric factories of single AWS resources (a Lambda function, queue, table, HTTP API stage, event source mapping):
 * the resource's dimensions bound once, so widgets and alarms name a metric with the right dimensions. Imports no
 * stack, so a stack can build its own alarms with them and the observability sources can read every stack.
 */
import type { Duration } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';

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
