import { Stack } from 'aws-cdk-lib';
import { type IMetric, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { EDGE_REGION, type StageConfig } from '../config/stages.js';
import type { GraphgateFunction } from '../constructs/graphgate-function.js';
import type { SliSource } from '../slo/slos.js';
import type { ApiStack } from '../stacks/api-stack.js';
import type { DataStack } from '../stacks/data-stack.js';
import type { EdgeStack } from '../stacks/edge-stack.js';
import type { IngestStack } from '../stacks/ingest-stack.js';
import type { SourceMetric } from './burn-rate-alarms.js';
import { httpApiMetrics, lambdaMetrics, type MetricFn, queueMetrics, tableMetrics } from './resource-metrics.js';

/** The deployed resources the observability stack reads metrics of. */
export interface ObservedStacks {
  readonly stage: StageConfig;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
  readonly ingest: IngestStack;
}

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
