import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { prefix, type StageConfig } from '../config/stages.js';
import { GraphgateFunction } from '../constructs/graphgate-function.js';
import { acknowledge } from '../constructs/nag.js';
import { runbookSections, withRunbook } from '../observability/runbooks.js';
import type { DataStack } from './data-stack.js';

export interface BackupStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly data: DataStack;
  /** Where a failed or missing backup is reported (the ticket route: the journal keeps RPO at zero meanwhile). */
  readonly alarmTopic: ITopic;
}

/** When the backup runs: daily, before the retention sweep (03:17 UTC), so a sweep never races a backup's reads. */
export const BACKUP_SCHEDULE = { hour: '2', minute: '5' } as const;

/** How long backups are kept, and when they move to a colder storage class. */
export const BACKUP_RETENTION = { infrequentAfterDays: 30, glacierAfterDays: 90, expireAfterDays: 400 } as const;

/**
 * The scheduled logical backup of the graph (functions/backup → core/backup scheduledBackup): a daily EventBridge rule
 * runs one Lambda (one at a time) that streams every tenant to /tmp and puts file and manifest into a versioned,
 * encrypted, SSL-only bucket with a lifecycle. Two alarms: a run that failed (the function's Errors) and a day
 * without a run (no Invocations — the rule or the function is gone).
 */
export class BackupStack extends Stack {
  readonly fn: GraphgateFunction;
  readonly bucket: Bucket;
  readonly rule: Rule;
  readonly failed: Alarm;
  readonly missing: Alarm;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, props);
    const { stage, data } = props;
    const p = prefix(stage);
    this.bucket = new Bucket(this, 'Backups', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Backups outlive their stack in every stage: deleting a stack must never delete the way back.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'age-out-backups',
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(BACKUP_RETENTION.infrequentAfterDays),
            },
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(BACKUP_RETENTION.glacierAfterDays),
            },
          ],
          expiration: Duration.days(BACKUP_RETENTION.expireAfterDays),
          // A key is written once; an overwrite (a rerun in the same second) keeps the old version a week.
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Writes come only from the backup function (its IAM role, CloudTrail data events cover them); server access ' +
        'logs would add a second bucket of logs about a bucket nobody else can write to.',
    );

    this.fn = new GraphgateFunction(this, 'GraphBackup', {
      stage,
      label: 'Graph backup',
      entry: 'functions/backup/handler.ts',
      description: 'Daily logical backup of the graph (every tenant) to the backup bucket',
      memoryMb: 1024,
      timeout: Duration.minutes(15),
      ephemeralStorageMb: 10_240,
      reservedConcurrency: 1,
    })
      // Put, nothing else (no read, delete or multipart abort), and only below graph/ where the function writes.
      .addEnv('BACKUP_BUCKET', this.bucket.bucketName, (g) =>
        g.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('graph/*')] }),
        ),
      )
      .useNeo4j(stage, data.secrets.neo4j);

    acknowledge(
      this.fn,
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/graph/*]`,
      'The backup writes one new, dated key per run below graph/ (graph/YYYY/MM/DD/all-<time>.ndjson.gz): the key is ' +
        'not known at deploy time, so PutObject is granted on that prefix only.',
    );

    this.rule = new Rule(this, 'Schedule', {
      description: 'Daily graph backup',
      schedule: Schedule.cron(BACKUP_SCHEDULE),
      targets: [new LambdaFunction(this.fn.live, { retryAttempts: 2 })],
    });

    const day = Duration.days(1);
    this.failed = new Alarm(this, 'BackupFailed', {
      alarmName: `${p}-graph-backup-failed`,
      alarmDescription: withRunbook(
        'A scheduled graph backup failed (the function threw)',
        runbookSections.graphBackupFailed,
      ),
      metric: this.fn.fn.metricErrors({ period: day, statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.missing = new Alarm(this, 'BackupMissing', {
      alarmName: `${p}-graph-backup-missing`,
      alarmDescription: withRunbook(
        'No graph backup ran in a day (rule disabled or function gone)',
        runbookSections.graphBackupMissing,
      ),
      metric: this.fn.fn.metricInvocations({ period: day, statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    for (const alarm of [this.failed, this.missing]) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
