/** Table and queue definitions that the CDK stacks, the local twin and the functions all name resources from. */
export { queues } from './queues.js';
export { type KeyType, type TableDefinition, type TableName, tableName, tables } from './tables.js';
