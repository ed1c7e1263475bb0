/**
 * `npm run er:replay -- [--dry-run] [--filter <expr>] [--rate <n/s>]` — replays the ER DLQ of the running local
 * twin (npm start) or of any queue pair given with --dlq-url/--queue-url. Without a filter the whole DLQ goes back
 * with an SQS message-move task; with --filter (see functions/er-replay/filter.ts) matching messages are re-sent and
 * the rest stay. Prints what moved and what stayed, by failure code.
 *
 *   npm run er:replay -- --dry-run
 *   npm run er:replay -- --filter 'code=KIND_NOT_ENABLED,tenant=acme' --rate 50
 */
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { sqsClient } from '../functions/core/aws/sqs.js';
import { DynamoDbFailureStore } from '../functions/core/idempotency/dynamodb-failures.js';
import { queues, tableName, tables } from '../functions/core/resources/index.js';
import { ReplayError } from '../functions/er-replay/errors.js';
import { replayDlq } from '../functions/er-replay/replay.js';
import { localAccount, localRegion } from '../infra/local/elasticmq.js';
import { startPorts } from '../infra/local/twin.js';

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    filter: { type: 'string' },
    rate: { type: 'string' },
    'sqs-endpoint': { type: 'string', default: `http://127.0.0.1:${startPorts.sqs}` },
    'dynamo-endpoint': { type: 'string', default: `http://127.0.0.1:${startPorts.dynamo}` },
    'queue-url': { type: 'string' },
    'dlq-url': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const sqsEndpoint = values['sqs-endpoint']!;
const queueUrl = values['queue-url'] ?? `${sqsEndpoint}/${localAccount}/${queues.intake.name('local')}`;
const dlqUrl = values['dlq-url'] ?? `${sqsEndpoint}/${localAccount}/${queues.intake.dlqName('local')}`;
const sqs = sqsClient({ region: localRegion, endpoint: sqsEndpoint });
const ddb = dynamoClient({ region: localRegion, endpoint: values['dynamo-endpoint'] });

try {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const bar = new SingleBar({
    format: 'replay [{bar}] {value}/{total} moved {moved} stayed {stayed}',
    hideCursor: true,
  });
  let started = false;
  const report = await replayDlq({
    sqs,
    dlqUrl,
    dlqArn: Attributes!.QueueArn!,
    queueUrl,
    failures: new DynamoDbFailureStore(ddb, tableName('local', tables.idempotency)),
    filter: values.filter,
    rate: values.rate === undefined ? undefined : Number(values.rate),
    dryRun: values['dry-run'],
    onProgress: ({ moved, stayed, total }) => {
      if (!started) bar.start(Math.max(total ?? 0, moved + stayed), 0, { moved, stayed });
      started = true;
      bar.setTotal(Math.max(total ?? 0, moved + stayed));
      bar.update(moved + stayed, { moved, stayed });
    },
  });
  if (started) bar.stop();
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    const verb = report.mode === 'dry-run' ? 'would move' : 'moved';
    console.log(
      `\n${report.mode}: ${verb} ${report.moved}, stayed ${report.stayed}${report.taskHandle ? ` (task ${report.taskHandle})` : ''}`,
    );
    for (const [code, c] of Object.entries(report.byCode))
      console.log(`  ${code.padEnd(22)} ${verb} ${c.moved}  stayed ${c.stayed}`);
    for (const item of report.items.slice(0, 50)) {
      console.log(
        `  ${item.action.padEnd(10)} ${item.messageId}  ${item.code || '-'}  ${item.tenant || '-'}  ${item.eventId || '-'}`,
      );
    }
    if (report.items.length > 50) console.log(`  … ${report.items.length - 50} more (--json for all)`);
  }
} catch (err) {
  if (err instanceof ReplayError) {
    console.error(`er:replay: ${err.code}: ${err.message}`);
    process.exitCode = 2;
  } else throw err;
} finally {
  sqs.destroy();
  ddb.destroy();
}
