import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../../functions/core/aws/sqs.js';
import { queues } from '../../functions/core/resources/index.js';
import { localAccount } from './elasticmq.js';
import { twin } from './test-support/twin.js';

const sqs = sqsClient({ region: twin().region, endpoint: twin().sqsEndpoint });

async function arnOf(queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}

async function receiveBody(queueUrl: string, body: string, visibility = 0) {
  for (let i = 0; i < 20; i++) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 0,
      }),
    );
    const hit = Messages?.find((m) => m.Body === body);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('sqs twin (elasticmq)', () => {
  afterAll(() => sqs.destroy());

  it('has the intake queue with a redrive policy of maxReceiveCount 3 to its DLQ', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: twin().intakeQueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    const policy = JSON.parse(Attributes!.RedrivePolicy!);
    expect(policy.maxReceiveCount).toBe(queues.intake.maxReceiveCount);
    expect(policy.deadLetterTargetArn).toBe(await arnOf(twin().dlqUrl));
  });

  it('moves a message received without delete past maxReceiveCount to the DLQ, and StartMessageMoveTask moves it back', async () => {
    // Prepare: a private queue pair so this test cannot disturb other users of the intake queue.
    const suffix = Math.random().toString(36).slice(2, 8);
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `probe-dlq-${suffix}` }));
    const dlqArn = await arnOf(dlq.QueueUrl!);
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: `probe-${suffix}`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      }),
    );
    expect(main.QueueUrl).toContain(`/${localAccount}/probe-${suffix}`);
    const body = `poison-${suffix}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: main.QueueUrl!, MessageBody: body }));

    // Act: receive three times without deleting (visibility 0 makes it visible again at once).
    for (let i = 1; i <= 3; i++) expect(await receiveBody(main.QueueUrl!, body)).toBeDefined();
    const inMain = await receiveBody(main.QueueUrl!, body);
    const inDlq = await receiveBody(dlq.QueueUrl!, body);

    // Assess: the fourth receive finds it only in the DLQ.
    expect(inMain).toBeUndefined();
    expect(inDlq?.Body).toBe(body);

    // Act: move it back with a message move task.
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(task.TaskHandle).toBeTruthy();
    const moved = await receiveBody(main.QueueUrl!, body, 30);
    expect(moved?.Body).toBe(body);
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(Results?.[0]?.Status).toMatch(/COMPLETED|RUNNING/);
  });
});
