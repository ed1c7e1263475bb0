/** Private SQS queue pairs on the twin's ElasticMQ, for runs that must not disturb the shared intake queue. */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** URLs and ARNs of a queue and its dead-letter queue. */
export interface QueuePair {
  queueUrl: string;
  dlqUrl: string;
  dlqArn: string;
  queueArn: string;
}

/** Creates `name` and `name-dlq` with a redrive policy, so a test, benchmark or fault run gets its own intake queue. */
export async function createQueuePair(
  sqs: SQSClient,
  name: string,
  options: { maxReceiveCount?: number; visibilityTimeoutS?: number } = {},
): Promise<QueuePair> {
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
