import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { type AwsTarget, type ClientOptions, connection } from './target.js';

/** An SQS client for a region, or for the twin's ElasticMQ when `endpoint` is set. */
export function sqsClient(target: AwsTarget, options: ClientOptions<SQSClientConfig> = {}): SQSClient {
  return new SQSClient({ ...options, ...connection(target) });
}
