/**
 * DLQ replay, shared by the CLI (scripts/er-replay.ts) and the replay Lambda.
 *
 * - Whole queue: one SQS `StartMessageMoveTask` from the DLQ back to its source queue (SQS moves, keeps order as far
 *   as it can, and rate-limits with `--rate`); we poll the task until it finishes.
 * - Filtered (`--filter`): we scan the DLQ, re-send each matching message's body to the intake queue and delete it
 *   from the DLQ; the others are made visible again. Bodies are unchanged, so event ids and idempotency hold.
 * - `--dry-run`: scan only; report what would move and what would stay, with each message's failure reason.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { chunks, sqsMaxBatch } from '../core/aws/sqs.js';
import { bodyHash, type FailureStore } from '../core/idempotency/failures.js';
import { ReplayError } from './errors.js';
import { factsOf, type MessageFacts, parseFilter } from './filter.js';

export interface ReplayOptions {
  sqs: SQSClient;
  dlqUrl: string;
  dlqArn: string;
  /** Where filtered messages are re-sent (the intake queue). */
  queueUrl: string;
  /** Failure reasons by body hash (optional: without it `code` is empty). */
  failures?: FailureStore;
  filter?: string;
  /** Messages per second (move task: MaxNumberOfMessagesPerSecond; filtered: re-send pacing). */
  rate?: number;
  dryRun?: boolean;
  /** Seconds a scanned message stays hidden while the scan runs. @default 120 */
  scanVisibilityS?: number;
  onProgress?: (p: { moved: number; stayed: number; total: number | null }) => void;
}

export interface ReplayItem extends MessageFacts {
  messageId: string;
  action: 'moved' | 'stayed' | 'would-move' | 'would-stay';
}

export interface ReplayReport {
  mode: 'move-task' | 'filtered' | 'dry-run';
  moved: number;
  stayed: number;
  /** Per-message detail (filtered and dry-run modes). */
  items: ReplayItem[];
  /** Counts by failure code of what moved and what stayed. */
  byCode: Record<string, { moved: number; stayed: number }>;
  taskHandle?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function moveTask(o: ReplayOptions): Promise<ReplayReport> {
  const total = await depth(o.sqs, o.dlqUrl);
  const { TaskHandle } = await o.sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: o.dlqArn,
      ...(o.rate ? { MaxNumberOfMessagesPerSecond: o.rate } : {}),
    }),
  );
  for (;;) {
    await sleep(250);
    const { Results } = await o.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: o.dlqArn, MaxResults: 10 }));
    const task = Results?.find((r) => r.TaskHandle === TaskHandle) ?? Results?.[0];
    const moved = Number(task?.ApproximateNumberOfMessagesMoved ?? 0);
    o.onProgress?.({ moved, stayed: 0, total });
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new ReplayError(
        'MOVE_TASK_FAILED',
        `message move task ${task.Status}: ${task.FailureReason ?? 'no reason given'}`,
      );
    }
    if (task?.Status === 'COMPLETED') {
      const stayed = await depth(o.sqs, o.dlqUrl);
      return { mode: 'move-task', moved, stayed, items: [], byCode: {}, taskHandle: TaskHandle };
    }
  }
}

/** Receives every DLQ message once (hidden for the scan), stopping when the queue answers empty or repeats. */
async function* scan(o: ReplayOptions): AsyncGenerator<Message> {
  const seen = new Set<string>();
  let empty = 0;
  while (empty < 2) {
    const { Messages } = await o.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: o.dlqUrl,
        MaxNumberOfMessages: sqsMaxBatch,
        VisibilityTimeout: o.scanVisibilityS ?? 120,
        WaitTimeSeconds: 1,
      }),
    );
    if (!Messages?.length) {
      empty++;
      continue;
    }
    empty = 0;
    for (const m of Messages) {
      if (seen.has(m.MessageId!)) return;
      seen.add(m.MessageId!);
      yield m;
    }
  }
}

async function filtered(o: ReplayOptions): Promise<ReplayReport> {
  const matches = o.filter ? parseFilter(o.filter) : () => true;
  const total = await depth(o.sqs, o.dlqUrl);
  const report: ReplayReport = { mode: o.dryRun ? 'dry-run' : 'filtered', moved: 0, stayed: 0, items: [], byCode: {} };
  const stayedHandles: string[] = [];
  const interval = o.rate ? 1000 / o.rate : 0;
  let nextSend = Date.now();
  for await (const m of scan(o)) {
    const body = m.Body ?? '';
    const failure = (await o.failures?.get(bodyHash(body))) ?? null;
    const facts = factsOf(body, failure?.code ?? null);
    const move = matches(facts);
    const codeKey = facts.code || '(unknown)';
    report.byCode[codeKey] ??= { moved: 0, stayed: 0 };
    const bucket = report.byCode[codeKey];
    if (move && !o.dryRun) {
      if (interval) {
        await sleep(Math.max(0, nextSend - Date.now()));
        nextSend = Math.max(nextSend, Date.now()) + interval;
      }
      await o.sqs.send(new SendMessageCommand({ QueueUrl: o.queueUrl, MessageBody: body }));
      await o.sqs.send(new DeleteMessageCommand({ QueueUrl: o.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
    } else {
      stayedHandles.push(m.ReceiptHandle!);
    }
    if (move) {
      report.moved++;
      bucket.moved++;
    } else {
      report.stayed++;
      bucket.stayed++;
    }
    const action = o.dryRun ? (move ? 'would-move' : 'would-stay') : move ? 'moved' : 'stayed';
    report.items.push({ messageId: m.MessageId!, action, ...facts });
    o.onProgress?.({ moved: report.moved, stayed: report.stayed, total });
  }
  // What stays becomes visible again right away instead of after the scan's visibility timeout.
  for (const handles of chunks(stayedHandles)) {
    await o.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: o.dlqUrl,
        Entries: handles.map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: 0 })),
      }),
    );
  }
  return report;
}

/**
 * Replays the DLQ: a move task for the whole queue, or a scan for `filter` / `dryRun`.
 *
 * @example
 * await replayDlq({ sqs, dlqUrl, dlqArn, queueUrl, filter: 'code=KIND_NOT_ENABLED', rate: 50 });
 */
export async function replayDlq(options: ReplayOptions): Promise<ReplayReport> {
  if (options.rate !== undefined && !(options.rate > 0))
    throw new ReplayError('REPLAY_INVALID_INPUT', '--rate must be a positive number');
  if (options.filter) parseFilter(options.filter); // fail before touching the queue
  return options.filter || options.dryRun ? filtered(options) : moveTask(options);
}
