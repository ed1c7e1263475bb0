import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { Alarm, ComparisonOperator, MathExpression, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { defaultWorkload, reviewBacklogAgeLimitS } from '../../../functions/core/cost/index.js';
import { tenantUnitPrices } from '../../../functions/core/cost/tenant.js';
import { cloudwatch } from '../../../functions/core/metrics/names.js';
import { prefix } from '../config/stages.js';
import { BurnRateAlarms } from '../observability/burn-rate-alarms.js';
import { TraceCollectorConfig } from '../observability/collector.js';
import { costDashboard, tenantCostWidgets, usageExpressions } from '../observability/cost-dashboard.js';
import { erQueueDashboard, gatewayDashboard, nlqDashboard, reviewBacklogMetric } from '../observability/dashboards.js';
import { runbookSections, withRunbook } from '../observability/runbooks.js';
import { metricsOf, type ObservedStacks, sliSources } from '../observability/sources.js';
import { AlarmTopics } from '../observability/topics.js';
import { ER_LAG_LIMIT_S } from '../slo/slos.js';

export interface ObservabilityStackProps extends StackProps, ObservedStacks {}

/** ER lag objective (DESIGN › Service levels): the oldest intake message is younger than this. */
export const QUEUE_LAG_LIMIT_S = ER_LAG_LIMIT_S;
/** DLQ objective: fewer than 0.1% of accepted events dead-letter. */
export const DLQ_RATE_LIMIT = 0.001;

/**
 * Observability: alarm topics (page / ticket / finance), SLO burn-rate alarms from infra/cdk/slo/slos.ts, queue-lag,
 * DLQ-rate and review-backlog-age alarms, and the Gateway, NLQ/Cypher, ER queue and Cost dashboards.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopics: AlarmTopics;
  readonly burnRate: BurnRateAlarms;
  readonly dashboards: Record<'gateway' | 'nlq' | 'erQueue' | 'cost', Dashboard>;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const p = prefix(stage);
    const m = metricsOf(props);
    this.alarmTopics = new AlarmTopics(this, 'Topics', stage);
    // The trace gateway's collector config: the file the twin runs (tail sampling, attribute scrubbing).
    new TraceCollectorConfig(this, 'TraceCollector', stage);
    const { page, ticket } = this.alarmTopics.topics;

    this.burnRate = new BurnRateAlarms(this, 'SloBurn', {
      prefix: p,
      sources: sliSources(m),
      topics: { page, ticket },
    });

    const lag = new Alarm(this, 'QueueLag', {
      alarmName: `${p}-er-queue-lag`,
      alarmDescription: withRunbook(
        `Oldest intake message older than ${QUEUE_LAG_LIMIT_S} s for 3 minutes: ER is falling behind`,
        runbookSections.erQueueLag,
      ),
      metric: m.queue('ApproximateAgeOfOldestMessage', Stats.MAXIMUM, Duration.minutes(1)),
      threshold: QUEUE_LAG_LIMIT_S,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    lag.addAlarmAction(new SnsAction(page));
    lag.addOkAction(new SnsAction(page));

    // Redrive to a DLQ does not count in its NumberOfMessagesSent, so arrivals are the rise of its visible depth.
    const hour = Duration.hours(1);
    const dlqRate = new Alarm(this, 'DlqRate', {
      alarmName: `${p}-er-dlq-rate`,
      alarmDescription: withRunbook(
        `More than ${DLQ_RATE_LIMIT * 100}% of accepted events dead-lettered in an hour`,
        runbookSections.erDlqRate,
      ),
      metric: new MathExpression({
        expression: 'IF(DIFF(dlq) > 0, DIFF(dlq), 0) / IF(sent > 0, sent, 1)',
        usingMetrics: {
          dlq: m.dlq('ApproximateNumberOfMessagesVisible', Stats.MAXIMUM, hour),
          sent: m.queue('NumberOfMessagesSent', Stats.SUM, hour),
        },
        period: hour,
        label: 'DLQ arrivals / accepted',
      }),
      threshold: DLQ_RATE_LIMIT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    dlqRate.addAlarmAction(new SnsAction(ticket));

    // Reported every 5 minutes by the scheduled emitter (ingest stack) and after each batch that opened reviews.
    const backlogAge = new Alarm(this, 'ReviewBacklogAge', {
      alarmName: `${p}-er-review-backlog-age`,
      alarmDescription: withRunbook(
        `Oldest open review candidate older than ${reviewBacklogAgeLimitS} s: reviews are falling behind`,
        runbookSections.erReviewBacklogAge,
      ),
      metric: reviewBacklogMetric(cloudwatch.reviewBacklogOldestAge, Duration.minutes(15)),
      threshold: reviewBacklogAgeLimitS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    backlogAge.addAlarmAction(new SnsAction(ticket));

    const usage = usageExpressions(m, stage.name, {
      origin: props.api.graphql.memoryMb,
      intake: props.ingest.intake.memoryMb,
      consumer: props.ingest.consumer.memoryMb,
    });
    this.dashboards = {
      gateway: gatewayDashboard(this, `${p}-gateway`, m),
      nlq: nlqDashboard(this, `${p}-nlq-cypher`, stage.name, m),
      erQueue: erQueueDashboard(this, `${p}-er-queue`, m),
      cost: costDashboard(
        this,
        `${p}-cost`,
        usage,
        tenantCostWidgets(
          stage.name,
          tenantUnitPrices({
            ...defaultWorkload,
            originMemoryMb: props.api.graphql.memoryMb,
            consumerMemoryMb: props.ingest.consumer.memoryMb,
            intakeMemoryMb: props.ingest.intake.memoryMb,
          }),
        ),
      ),
    };
  }
}
