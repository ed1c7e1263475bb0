/** Per-event idempotency (one key claim per event on DynamoDB) and the store of failure reasons of DLQ-bound messages. */
export { DynamoDbFailureStore } from './dynamodb-failures.js';
export * from './events.js';
export * from './failures.js';
