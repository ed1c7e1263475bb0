/** AWS clients for a stage; with an endpoint (the twin's ElasticMQ / dynalite) any credentials do. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

const local = { accessKeyId: 'local', secretAccessKey: 'local' };

/** SQS client; `endpoint` only for the twin. */
export function sqsClient(region: string, endpoint?: string): SQSClient {
  return new SQSClient({ region, ...(endpoint ? { endpoint, credentials: local } : {}) });
}

/** DynamoDB client; `endpoint` only for the twin. */
export function dynamoClient(region: string, endpoint?: string): DynamoDBClient {
  return new DynamoDBClient({ region, ...(endpoint ? { endpoint, credentials: local } : {}) });
}
