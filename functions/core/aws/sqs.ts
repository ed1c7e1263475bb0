import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { type AwsTarget, type ClientOptions, connection } from './target.js';

/** An SQS client for a region, or for the twin's ElasticMQ when `endpoint` is set. */
export function sqsClient(target: AwsTarget, options: ClientOptions<SQSClientConfig> = {}): SQSClient {
  return new SQSClient({ ...options, ...connection(target) });
}

/** The most entries one SQS call takes or returns (ReceiveMessage, SendMessageBatch, DeleteMessageBatch, …). */
export const sqsMaxBatch = 10;

/** `items` in consecutive slices of at most `size` (SQS's per-call limit unless given). */
export function chunks<T>(items: readonly T[], size: number = sqsMaxBatch): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
