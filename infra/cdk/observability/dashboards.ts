import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, Stats, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { reviewBacklogAgeLimitS } from '../../../functions/core/cost/index.js';
import { type CloudWatchSignal, cloudwatch, namespaces, services } from '../../../functions/core/metrics/names.js';
import { signalMetric } from './signal-metric.js';
import type { StageMetrics } from './sources.js';

const MIN = Duration.minutes(1);
const FIVE = Duration.minutes(5);

/** A count metric (summed per period) as a rate per second; `id` names the metric inside the expression. */
const perSecond = (id: string, count: IMetric, label: string, period: Duration) =>
  new MathExpression({ expression: `${id} / PERIOD(${id})`, usingMetrics: { [id]: count }, label, period });

/** Gateway: requests per second, origin latency percentiles, errors, edge cache hit ratio. */
export function gatewayDashboard(scope: Construct, name: string, m: StageMetrics): Dashboard {
  const d = new Dashboard(scope, 'GatewayDashboard', { dashboardName: name });
  const cf = m.cloudfront('Requests', Stats.SUM, FIVE);
  const origin = m.origin('Invocations', Stats.SUM, FIVE);
  d.addWidgets(
    new GraphWidget({
      title: 'Requests per second',
      width: 12,
      left: [
        perSecond('cf', cf, 'edge (CloudFront)', FIVE),
        perSecond('o', m.origin('UrlRequestCount', Stats.SUM, FIVE), 'origin', FIVE),
      ],
    }),
    new GraphWidget({
      title: 'Origin latency (ms)',
      width: 12,
      left: [Stats.p(50), Stats.p(95), Stats.p(99)].map((s) =>
        m.origin('UrlRequestLatency', s, MIN).with({ label: s }),
      ),
    }),
  );
  d.addWidgets(
    new GraphWidget({
      title: 'Errors',
      width: 12,
      left: [
        m.origin('Url5xxCount', Stats.SUM, MIN),
        m.origin('Url4xxCount', Stats.SUM, MIN),
        m.origin('Errors', Stats.SUM, MIN),
      ],
      right: [m.cloudfront('5xxErrorRate', Stats.AVERAGE, MIN), m.cloudfront('4xxErrorRate', Stats.AVERAGE, MIN)],
    }),
    new GraphWidget({
      title: 'Edge cache hit ratio (calls answered without the origin)',
      width: 12,
      left: [
        new MathExpression({
          expression: 'IF(cf > 0, 1 - FILL(o, 0) / cf, 0)',
          usingMetrics: { cf, o: origin },
          label: 'hit ratio',
          period: FIVE,
        }),
      ],
      leftYAxis: { min: 0, max: 1 },
    }),
  );
  return d;
}

/** NLQ / Cypher: graph repository and natural-language query latency, from the functions' EMF metrics. */
export function nlqDashboard(scope: Construct, name: string, stage: string, m: StageMetrics): Dashboard {
  const d = new Dashboard(scope, 'NlqDashboard', { dashboardName: name });
  const custom = (signal: CloudWatchSignal, statistic: string) =>
    signalMetric(signal, { service: services.graphql, Stage: stage }, statistic, FIVE);
  const cypher = cloudwatch.cypherDuration;
  const search = (stat: string) =>
    new MathExpression({
      expression: `SEARCH('{${cypher.namespace},${cypher.dimensions.join(',')}} MetricName="${cypher.name}" Stage="${stage}"', '${stat}', 300)`,
      usingMetrics: {},
      label: `Cypher ${stat}`,
      period: FIVE,
    });
  d.addWidgets(
    new TextWidget({
      markdown: `Custom metrics in \`${namespaces.origin}\` (dimensions service=${services.graphql}, Stage=${stage}), emitted with Powertools Metrics.`,
      width: 24,
      height: 1,
    }),
  );
  d.addWidgets(
    new GraphWidget({ title: 'Cypher p95 by repository method (ms)', width: 12, left: [search('p95')] }),
    new GraphWidget({
      title: 'NLQ latency (ms; SLO p95 ≤ 2 s)',
      width: 12,
      left: [custom(cloudwatch.nlqDuration, Stats.p(95)), custom(cloudwatch.nlqDuration, Stats.p(99))],
      right: [custom(cloudwatch.nlqErrors, Stats.SUM)],
    }),
    new GraphWidget({
      title: 'NLQ plan cache hit ratio',
      width: 12,
      left: [
        new MathExpression({
          expression: 'hits / (hits + misses)',
          usingMetrics: {
            hits: custom(cloudwatch.nlqPlanCacheHits, Stats.SUM),
            misses: custom(cloudwatch.nlqPlanCacheMisses, Stats.SUM),
          },
          label: 'hit ratio',
          period: FIVE,
        }),
      ],
    }),
    new GraphWidget({
      title: 'Origin Lambda duration (ms) and concurrency',
      width: 12,
      left: [m.origin('Duration', Stats.p(95), FIVE), m.origin('Duration', Stats.p(99), FIVE)],
      right: [m.origin('ConcurrentExecutions', Stats.MAXIMUM, FIVE)],
    }),
  );
  return d;
}

/** A review-backlog metric the ER consumer emits (core/metrics/names.ts), as its Maximum over tenants. */
export const reviewBacklogMetric = (signal: CloudWatchSignal, period: Duration) =>
  signalMetric(signal, { service: services.erIntake }, Stats.MAXIMUM, period);

/** ER queue: depth, age of the oldest message, throughput, DLQ, consumer health, and the review backlog. */
export function erQueueDashboard(scope: Construct, name: string, m: StageMetrics): Dashboard {
  const d = new Dashboard(scope, 'ErQueueDashboard', { dashboardName: name });
  d.addWidgets(
    new GraphWidget({
      title: 'Intake queue depth',
      width: 8,
      left: [
        m.queue('ApproximateNumberOfMessagesVisible', Stats.MAXIMUM, MIN),
        m.queue('ApproximateNumberOfMessagesNotVisible', Stats.MAXIMUM, MIN),
      ],
    }),
    new GraphWidget({
      title: 'Age of oldest message (s; alarm at 60)',
      width: 8,
      left: [m.queue('ApproximateAgeOfOldestMessage', Stats.MAXIMUM, MIN)],
      leftAnnotations: [{ value: 60, label: 'ER lag SLO' }],
    }),
    new GraphWidget({
      title: 'Throughput (events/s)',
      width: 8,
      left: [
        perSecond('s', m.queue('NumberOfMessagesSent', Stats.SUM, MIN), 'accepted', MIN),
        perSecond('d', m.queue('NumberOfMessagesDeleted', Stats.SUM, MIN), 'processed', MIN),
      ],
    }),
  );
  d.addWidgets(
    new GraphWidget({
      title: 'DLQ depth',
      width: 8,
      left: [m.dlq('ApproximateNumberOfMessagesVisible', Stats.MAXIMUM, MIN)],
    }),
    new GraphWidget({
      title: 'Consumer: errors, throttles, concurrency',
      width: 8,
      left: [m.consumer('Errors', Stats.SUM, MIN), m.consumer('Throttles', Stats.SUM, MIN)],
      right: [m.consumer('ConcurrentExecutions', Stats.MAXIMUM, MIN)],
    }),
    new GraphWidget({
      title: 'Consumer duration (ms)',
      width: 8,
      left: [m.consumer('Duration', Stats.p(50), MIN), m.consumer('Duration', Stats.p(95), MIN)],
    }),
  );
  d.addWidgets(
    new GraphWidget({
      title: 'Review backlog (open and deferred candidates, largest tenant)',
      width: 12,
      left: [reviewBacklogMetric(cloudwatch.reviewBacklogOpen, FIVE)],
    }),
    new GraphWidget({
      title: `Oldest open review (s; alarm at ${reviewBacklogAgeLimitS})`,
      width: 12,
      left: [reviewBacklogMetric(cloudwatch.reviewBacklogOldestAge, FIVE)],
      leftAnnotations: [{ value: reviewBacklogAgeLimitS, label: 'review backlog age limit' }],
    }),
  );
  return d;
}
