/** Helpers of the ER integration tests, the fault test and the benchmark: consumer config on the twin, queue pairs. */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TwinEndpoints } from '../../infra/local/types.js';
import { tableName, tables } from '../../infra/tables.js';
import { type ConsumerConfig, loadConsumerConfig } from './config.js';

/** Environment of the consumer/worker against the twin (what `startErWorker` passes). */
export function consumerEnv(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region'>,
): Record<string, string> {
  return {
    GRAPHGATE_STAGE: 'local',
    NEO4J_URI: endpoints.neo4jUri,
    IDEMPOTENCY_TABLE: tableName('local', tables.idempotency),
    AUDIT_TABLE: tableName('local', tables.auditLedger),
    DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    AWS_REGION: endpoints.region,
  };
}

/** Consumer config against the twin, with overrides of the environment. */
export function twinConsumerConfig(
  endpoints: Pick<TwinEndpoints, 'neo4jUri' | 'dynamoEndpoint' | 'region'>,
  env: Record<string, string> = {},
): ConsumerConfig {
  return loadConsumerConfig({ ...consumerEnv(endpoints), ...env });
}

/** A private intake queue + DLQ with redrive, so a test or run never disturbs the shared intake queue. */
export async function createQueuePair(
  sqs: SQSClient,
  name: string,
  options: { maxReceiveCount?: number; visibilityTimeoutS?: number } = {},
): Promise<{ queueUrl: string; dlqUrl: string; dlqArn: string; queueArn: string }> {
  const arn = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = await arn(dlq.QueueUrl!);
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutS ?? 5),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
      },
    }),
  );
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl!, dlqArn, queueArn: await arn(main.QueueUrl!) };
}

/** Approximate visible + in-flight messages of a queue. */
export async function queueCount(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(a?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
