/**
 * Metric factories of single AWS resources (a Lambda function, queue, table, HTTP API stage, event source mapping):
 * the resource's dimensions bound once, so widgets and alarms name a metric with the right dimensions. Imports no
 * stack, so a stack can build its own alarms with them and the observability sources can read every stack.
 */
import type { Duration } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';

/** A metric of one resource by name: the resource's dimensions are bound, the statistic defaults to Sum. */
export type MetricFn = (metricName: string, statistic?: string, period?: Duration) => Metric;

/** The metrics of one resource: a namespace and the dimensions that name the resource. */
const metricsOfResource =
  (namespace: string, dimensionsMap: Record<string, string>): MetricFn =>
  (metricName, statistic = Stats.SUM, period) =>
    new Metric({ namespace, metricName, dimensionsMap, statistic, period });

/** Metrics of a Lambda function (all versions and aliases). */
export const lambdaMetrics = (functionName: string) => metricsOfResource('AWS/Lambda', { FunctionName: functionName });

/** Metrics of an SQS queue. */
export const queueMetrics = (queueName: string) => metricsOfResource('AWS/SQS', { QueueName: queueName });

/** Metrics of a DynamoDB table. */
export const tableMetrics = (tableName: string) => metricsOfResource('AWS/DynamoDB', { TableName: tableName });

/** Metrics of an HTTP API stage (API Gateway v2). */
export const httpApiMetrics = (apiId: string, stageName: string) =>
  metricsOfResource('AWS/ApiGateway', { ApiId: apiId, Stage: stageName });

/** Metrics of a Lambda event source mapping (its event counts, with `metricsConfig` EVENT_COUNT). */
export const eventSourceMappingMetrics = (mappingId: string) =>
  metricsOfResource('AWS/Lambda', { EventSourceMappingUUID: mappingId });
