/**
 * Replay Lambda: `{filter?, rate?, dryRun?}` → the same replay as `npm run er:replay`. Invoked by an operator
 * (console, CLI) after fixing what made the messages fail.
 */
import { z } from 'zod';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { DynamoDbFailureStore } from '../core/idempotency/dynamodb-failures.js';
import { registerTracing, tracedInvocation } from '../core/telemetry/tracing.js';
import { ReplayError } from './errors.js';
import { type ReplayReport, replayDlq } from './replay.js';

const env = z
  .object({
    DLQ_URL: z.url(),
    DLQ_ARN: z.string().startsWith('arn:'),
    INTAKE_QUEUE_URL: z.url(),
    IDEMPOTENCY_TABLE: z.string().optional(),
    AWS_REGION: z.string().default('us-east-1'),
  })
  .parse(process.env);
const ready = resolveSecretEnv();
const sqs = sqsClient({ region: env.AWS_REGION });
const failures = env.IDEMPOTENCY_TABLE
  ? new DynamoDbFailureStore(dynamoClient({ region: env.AWS_REGION }), env.IDEMPOTENCY_TABLE)
  : undefined;

const input = z.object({
  filter: z.string().max(500).optional(),
  rate: z.number().positive().max(10_000).optional(),
  dryRun: z.boolean().default(false),
});

/** Replays the DLQ; answers the report without per-message items beyond the first 100 (Lambda response limit). */
export const handler = tracedInvocation(registerTracing('graphgate-er-replay'), 'er.replay', replay);

async function replay(event: unknown): Promise<ReplayReport | { code: string; message: string }> {
  await ready;
  const parsed = input.safeParse(event ?? {});
  if (!parsed.success) return { code: 'REPLAY_INVALID_INPUT', message: z.prettifyError(parsed.error) };
  try {
    const report = await replayDlq({
      sqs,
      dlqUrl: env.DLQ_URL,
      dlqArn: env.DLQ_ARN,
      queueUrl: env.INTAKE_QUEUE_URL,
      failures,
      ...parsed.data,
    });
    return { ...report, items: report.items.slice(0, 100) };
  } catch (err) {
    if (err instanceof ReplayError) return { code: err.code, message: err.message };
    throw err;
  }
}
