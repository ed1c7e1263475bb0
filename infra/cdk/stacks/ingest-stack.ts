import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { MathExpression, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { MetricType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queues } from '../../../functions/core/resources/index.js';
import { ingestEntries as releaseIngestEntries } from '../../release/deployables.js';
import type { StageConfig } from '../config/stages.js';
import { CANARY_ALARM_PERIOD } from '../constructs/canary.js';
import { GraphgateFunction } from '../constructs/graphgate-function.js';
import { acknowledge } from '../constructs/nag.js';
import { eventSourceMappingMetrics, httpApiMetrics, queueMetrics } from '../observability/resource-metrics.js';
import { burnRatePolicy, burnThreshold } from '../slo/burn-rate.js';
import { ER_LAG_LIMIT_S, errorBudget, sloById } from '../slo/slos.js';
import type { DataStack } from './data-stack.js';

/** Function entries of the ingest path (one list with the release: infra/release/deployables.ts). */
export const ingestEntries = releaseIngestEntries;

export interface IngestStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly data: DataStack;
  /** @default ingestEntries */
  readonly entries?: typeof ingestEntries;
}

/** Minutes between two scheduled review-backlog reports. */
export const REVIEW_BACKLOG_EVERY_MIN = 5;

/** The ER consumer's timeout (the queue's visibility is 6× it plus the batching window: functions/core/resources). */
export const CONSUMER_TIMEOUT_S = queues.intake.consumerTimeoutS;

/**
 * Ingest: producers `POST /intake` (HTTP API, SigV4/IAM auth) → SQS intake queue → ER consumer (batches with partial
 * failures, concurrency capped to protect Neo4j) → after `maxReceiveCount` receives, the DLQ → replay Lambda.
 *
 * The API route, the queue, the schedule and operators all invoke the functions' `live` aliases, so each new version
 * takes traffic through its CodeDeploy canary: the intake rolls back on the ingest availability SLO (the API stage's
 * 5xx ratio), the consumer on its failed events (the queue mapping's counts) and the ER lag objective (the queue's
 * oldest message), every function on its own `Errors`.
 */
export class IngestStack extends Stack {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly intake: GraphgateFunction;
  readonly consumer: GraphgateFunction;
  readonly replay: GraphgateFunction;
  readonly reviewBacklog: GraphgateFunction;
  readonly reviewBacklogRule: Rule;
  readonly httpApi: HttpApi;
  readonly httpStage: HttpStage;

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const { stage, data } = props;
    const q = queues.intake;
    const entries = props.entries ?? ingestEntries;

    this.dlq = new Queue(this, 'IntakeDlq', {
      queueName: q.dlqName(stage.name),
      retentionPeriod: Duration.seconds(q.dlqRetentionS),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'IntakeQueue', {
      queueName: q.name(stage.name),
      visibilityTimeout: Duration.seconds(q.visibilityTimeoutS),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: q.maxReceiveCount },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      this.dlq,
      'AwsSolutions-SQS3',
      'This is the dead-letter queue; its messages are replayed by er-replay.',
    );

    this.intake = new GraphgateFunction(this, 'Intake', {
      stage,
      label: 'Intake API',
      entry: entries.intake,
      description: 'Intake API: validates producer events and enqueues them',
      memoryMb: 256,
    })
      .useQueueForSend('INTAKE_QUEUE_URL', this.queue)
      .useJwtIssuer(stage)
      .useUpstash(data.secrets.upstash)
      // Every accepted event, for replay after a graph restore (runbooks/neo4j-failover.md).
      .useTable('JOURNAL_TABLE', data.tables.writeJournal, 'journal');

    this.consumer = new GraphgateFunction(this, 'Consumer', {
      stage,
      label: 'ER consumer',
      entry: entries.consumer,
      description: 'ER consumer: block, score, band, write once per event id, audit',
      memoryMb: stage.ingest.consumerMemoryMb,
      timeout: Duration.seconds(CONSUMER_TIMEOUT_S),
    })
      .useTable('IDEMPOTENCY_TABLE', data.tables.idempotency, 'idempotency')
      .useTable('AUDIT_TABLE', data.tables.auditLedger, 'append')
      .useNeo4j(stage, data.secrets.neo4j)
      .useUpstash(data.secrets.upstash);
    const intakeSource = new SqsEventSource(this.queue, {
      batchSize: stage.ingest.batchSize,
      maxBatchingWindow: Duration.seconds(stage.ingest.maxBatchingWindowS),
      reportBatchItemFailures: true,
      maxConcurrency: stage.ingest.consumerMaxConcurrency,
      // Lambda's event-count metrics of the mapping (polled, failed, deleted): the consumer canary's failure ratio.
      metricsConfig: { metrics: [MetricType.EVENT_COUNT] },
    });
    this.consumer.live.addEventSource(intakeSource);

    // The review backlog metrics even when no event arrives and nobody reads the queue (the backlog-age alarm's
    // input): every tenant's backlog from Neo4j, as EMF, on a schedule well inside the alarm's 15-minute period.
    this.reviewBacklog = new GraphgateFunction(this, 'ReviewBacklog', {
      stage,
      label: 'Review backlog reporter',
      entry: entries.backlog,
      description: 'Review backlog metrics: open candidates and oldest age of every tenant, on a schedule',
      memoryMb: 256,
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
    }).useNeo4j(stage, data.secrets.neo4j);
    this.reviewBacklogRule = new Rule(this, 'ReviewBacklogSchedule', {
      description: 'Review backlog metrics every 5 minutes',
      schedule: Schedule.rate(Duration.minutes(REVIEW_BACKLOG_EVERY_MIN)),
      targets: [new LambdaFunction(this.reviewBacklog.live, { retryAttempts: 1 })],
    });

    this.replay = new GraphgateFunction(this, 'Replay', {
      stage,
      label: 'DLQ replay',
      entry: entries.replay,
      description: 'DLQ replay: SQS message-move task or filtered re-send to the intake queue',
      memoryMb: 256,
      timeout: Duration.minutes(5),
    })
      .useQueueForSend('INTAKE_QUEUE_URL', this.queue)
      // Read-only: replay shows why each message failed (failure records live in the idempotency table).
      .useTable('IDEMPOTENCY_TABLE', data.tables.idempotency, 'read')
      .addEnv('DLQ_URL', this.dlq.queueUrl, (g) => this.dlq.grantConsumeMessages(g))
      .addEnv('DLQ_ARN', this.dlq.queueArn, (g) =>
        this.dlq.grant(g, 'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask'),
      );

    const accessLogs = new LogGroup(this, 'IntakeAccessLogs', {
      retention: stage.logRetentionDays as RetentionDays,
    });
    this.httpApi = new HttpApi(this, 'IntakeApi', {
      apiName: `graphgate-${stage.name}-intake`,
      description: 'Producer intake: POST /intake (JWT with the producer role)',
      createDefaultStage: false,
      // API Gateway rejects tokens of other issuers/audiences before a Lambda runs; the function verifies again
      // (signature, expiry, tenant claim, producer role), so a misconfigured authorizer can never let data in.
      defaultAuthorizer: new HttpJwtAuthorizer('ProducerJwt', stage.auth.issuer, {
        jwtAudience: [stage.auth.audience],
      }),
    });
    this.httpStage = new HttpStage(this, 'IntakeStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stage.ingest.intakeRateLimit, burstLimit: stage.ingest.intakeBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.httpApi.addRoutes({
      path: '/intake',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IntakeIntegration', this.intake.live),
    });

    // The stage's 5xx ratio mixes both versions: a broken canary taking its 10% shows as ~10% 5xx, far above the
    // fast-burn threshold (14.4 × 0.5% = 7.2%). API Gateway answers 5xx for a crashed or timed-out function too.
    this.intake.canary.rollbackOnSlo(
      sloById('ingest-availability'),
      httpApiMetrics(this.httpApi.apiId, this.httpStage.stageName),
      'the intake API stage (both versions)',
    );
    // A consumer version that fails its events reports them as partial batch failures, not as Lambda Errors: the
    // mapping counts them (FailedInvokeEventCount, against PolledEventCount). Both versions share the mapping, so a
    // broken canary taking its 10% shows as ~10% failed events, above the ingest budget's fast-burn threshold.
    const ingestBudget = errorBudget(sloById('ingest-availability'));
    const fast = burnRatePolicy('fast');
    const mapping = eventSourceMappingMetrics(intakeSource.eventSourceMappingId);
    const mappingMetric = (metricName: string) => mapping(metricName, Stats.SUM, CANARY_ALARM_PERIOD);
    this.consumer.canary.rollbackOn('FailedEvents', {
      description: `ER consumer: failed events above ${fast.factor}× the ingest error budget (${ingestBudget * 100}%) of events polled`,
      metric: new MathExpression({
        expression: 'IF(polled > 0, FILL(failed, 0) / polled, 0)',
        usingMetrics: {
          failed: mappingMetric('FailedInvokeEventCount'),
          polled: mappingMetric('PolledEventCount'),
        },
        period: CANARY_ALARM_PERIOD,
        label: 'failed / polled events of the intake mapping',
      }),
      threshold: burnThreshold(fast, ingestBudget),
    });
    // A slow or stuck version lets the queue age past the ER lag objective.
    this.consumer.canary.rollbackOn('ErLag', {
      description: `ER consumer: oldest intake message older than ${ER_LAG_LIMIT_S} s (ER lag objective)`,
      metric: queueMetrics(this.queue.queueName)('ApproximateAgeOfOldestMessage', Stats.MAXIMUM, CANARY_ALARM_PERIOD),
      threshold: ER_LAG_LIMIT_S,
    });
    // Operators invoke the alias (the function's $LATEST still holds a rolled-back version's code).
    new CfnOutput(this, 'ReplayFunction', {
      value: this.replay.live.functionArn,
      description: 'DLQ replay: aws lambda invoke --function-name <this ARN> (the live alias)',
    });
  }
}
