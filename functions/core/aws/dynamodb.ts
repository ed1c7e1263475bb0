import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type AwsTarget, type ClientOptions, connection } from './target.js';

/**
 * A DynamoDB client for a region, or for the twin's dynalite when `endpoint` is set.
 * @example const client = dynamoClient({ region: config.region, endpoint: config.dynamoEndpoint });
 */
export function dynamoClient(target: AwsTarget, options: ClientOptions<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...options, ...connection(target) });
}
