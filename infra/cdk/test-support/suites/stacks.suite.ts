import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { maxRecordBytes } from '../../../../functions/core/er/schemas.js';
import { queues, tableName, tables } from '../../../../functions/core/resources/index.js';
import { stages } from '../../config/stages.js';
import { CONSUMER_TIMEOUT_S } from '../../stacks/ingest-stack.js';
import type { SynthesizedStage } from '../synth.js';

const prod = stages.prod;

/** Stacks, resource counts and wiring of the synthesized prod stage. */
export function stacksSuite(stage: () => SynthesizedStage): void {
  describe('graphgate prod stage', () => {
    const t = () => stage().templates;
    it('has one stack per area, the edge in us-east-1 and the rest in the home region', () => {
      const regions = Object.fromEntries(Object.entries(stage().stacks).map(([area, s]) => [area, s.region]));
      expect(regions).toEqual({
        data: prod.region,
        api: prod.region,
        edge: 'us-east-1',
        ingest: prod.region,
        observability: prod.region,
        budgets: prod.region,
        retention: prod.region,
        backup: prod.region,
      });
      expect(
        stage()
          .assembly.stacks.map((s) => s.stackName)
          .sort(),
      ).toEqual(
        ['api', 'backup', 'budgets', 'data', 'edge', 'ingest', 'observability', 'retention'].map(
          (a) => `graphgate-prod-${a}`,
        ),
      );
    });

    it('creates the resources each area needs, and no more', () => {
      const { data, api, edge, ingest, observability, budgets } = t();
      data.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(tables).length);
      data.resourceCountIs('AWS::SecretsManager::Secret', 3);
      api.resourceCountIs('AWS::Lambda::Url', 2); // origin and step-up, each on its live alias
      api.resourceCountIs('AWS::Lambda::Alias', 2);
      edge.resourceCountIs('AWS::CloudFront::Distribution', 1);
      edge.resourceCountIs('AWS::CertificateManager::Certificate', 1);
      ingest.resourceCountIs('AWS::SQS::Queue', 2);
      ingest.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      ingest.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
      observability.resourceCountIs('AWS::SNS::Topic', 3);
      observability.resourceCountIs('AWS::CloudWatch::Dashboard', 4);
      budgets.resourceCountIs('AWS::Budgets::Budget', 2);
    });

    it('runs the retention sweep daily, one at a time, with append-only access to the audit ledger', () => {
      const { retention } = t();
      retention.resourceCountIs('AWS::Events::Rule', 1);
      retention.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(17 3 * * ? *)' });
      retention.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: 1,
        Environment: { Variables: Match.objectLike({ AUDIT_TABLE: Match.anyValue() }) },
      });
    });

    it('backs the graph up daily, one run at a time, into a versioned, encrypted, SSL-only bucket with a lifecycle', () => {
      const { backup } = t();
      backup.resourceCountIs('AWS::Events::Rule', 1);
      backup.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(5 2 * * ? *)' });
      backup.resourceCountIs('AWS::S3::Bucket', 1);
      backup.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
      backup.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              ExpirationInDays: 400,
              Transitions: [
                { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
                { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
              ],
            }),
          ],
        },
      });
      backup.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      backup.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: 1,
        Timeout: 900,
        EphemeralStorage: { Size: 10240 },
        Environment: { Variables: Match.objectLike({ BACKUP_BUCKET: Match.anyValue(), NEO4J_URI: prod.neo4jUri }) },
      });
      // Put only, only below graph/: the function can neither read, overwrite elsewhere nor delete a backup version.
      backup.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/graph/*']] } },
          ]),
        },
      });
    });

    it('alarms on a failed backup (function errors) and on a day without one (no invocations), to the ticket route', () => {
      const { backup } = t();
      // Plus the canary's rollback alarm (infra/cdk/canary.test.ts), which has no actions of its own.
      backup.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: Match.anyValue() }, 2);
      backup.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'graphgate-prod-graph-backup-failed',
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Period: 86_400,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [Match.anyValue()],
      });
      backup.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'graphgate-prod-graph-backup-missing',
        MetricName: 'Invocations',
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it('reports the review backlog every 5 minutes from a scheduled function that reads the graph', () => {
      const { ingest } = t();
      ingest.resourceCountIs('AWS::Events::Rule', 1);
      ingest.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [Match.objectLike({ Arn: Match.anyValue() })],
      });
      ingest.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Review backlog metrics'),
        ReservedConcurrentExecutions: 1,
        Environment: { Variables: Match.objectLike({ NEO4J_URI: Match.anyValue() }) },
      });
    });

    it('defines the tables of core/resources with their keys and TTL attributes', () => {
      for (const def of Object.values(tables)) {
        t().data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
          TableName: tableName('prod', def),
          KeySchema: Match.arrayWith([{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }]),
          ...('ttlAttribute' in def
            ? { TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }
            : {}),
        });
      }
    });

    it('redrives intake messages to the DLQ after maxReceiveCount receives', () => {
      const dlqId = Object.keys(
        t().ingest.findResources('AWS::SQS::Queue', { Properties: { QueueName: queues.intake.dlqName('prod') } }),
      )[0];
      t().ingest.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queues.intake.name('prod'),
        VisibilityTimeout: queues.intake.visibilityTimeoutS,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: queues.intake.maxReceiveCount,
        },
      });
      t().ingest.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queues.intake.dlqName('prod'),
        MessageRetentionPeriod: queues.intake.dlqRetentionS,
      });
    });

    it('consumes the intake queue with partial batch failures and capped concurrency', () => {
      t().ingest.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: prod.ingest.consumerMaxConcurrency },
        BatchSize: prod.ingest.batchSize,
        // Lambda takes a batch above 10 only with a batching window of at least 1 s.
        MaximumBatchingWindowInSeconds: prod.ingest.maxBatchingWindowS,
      });
      // A guard on the settings: a whole batch of records at their size limit (doubled for the envelope, message
      // attributes and JSON escaping in the event) fits one invocation's 6 MB payload.
      expect(prod.ingest.batchSize * 2 * maxRecordBytes).toBeLessThan(6 * 1024 * 1024);
      // Lambda's guidance: queue visibility ≥ 6 × the consumer timeout + the batching window.
      expect(CONSUMER_TIMEOUT_S * 6 + prod.ingest.maxBatchingWindowS).toBeLessThanOrEqual(
        queues.intake.visibilityTimeoutS,
      );
      t().ingest.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^ER consumer'),
        Timeout: CONSUMER_TIMEOUT_S,
      });
    });

    it('builds every regional function the opinionated way: Node 22, ARM64, X-Ray, source maps, own log group', () => {
      // api: origin, step-up; ingest: intake, consumer, replay, review backlog
      const fns = [t().api, t().ingest].flatMap((t) =>
        Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } })),
      );
      expect(fns).toHaveLength(6);
      for (const fn of fns) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', GRAPHGATE_STAGE: 'prod' } },
          LoggingConfig: { LogGroup: expect.anything() },
        });
      }
    });

    it('puts provisioned concurrency and the function URL on the origin alias', () => {
      t().api.hasResourceProperties('AWS::Lambda::Alias', {
        Name: 'live',
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: prod.api.provisionedConcurrency },
      });
      t().api.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Qualifier: 'live' });
    });

    it('runs the edge as a Lambda@Edge origin-request handler on the distribution, with the body', () => {
      t().edge.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['x86_64'] });
      t().edge.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: [prod.domain?.name],
          DefaultCacheBehavior: Match.objectLike({
            ViewerProtocolPolicy: 'https-only',
            LambdaFunctionAssociations: [Match.objectLike({ EventType: 'origin-request', IncludeBody: true })],
          }),
        }),
      });
    });
  });
}
