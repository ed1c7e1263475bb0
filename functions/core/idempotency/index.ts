/** Per-event idempotency (Powertools on DynamoDB) and the store of failure reasons of DLQ-bound messages. */
export { DynamoDbFailureStore } from './dynamodb-failures.js';
export * from './events.js';
export * from './failures.js';
