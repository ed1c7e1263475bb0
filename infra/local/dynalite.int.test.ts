import { ConditionalCheckFailedException, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { tableName, tables } from '../../functions/core/resources/index.js';
import { localDynamoClient } from './dynalite.js';
import { testTenant, twin } from './test-support/twin.js';

describe('dynamodb twin (dynalite)', () => {
  const client = localDynamoClient(twin().dynamoEndpoint);
  afterAll(() => client.destroy());

  it('has every table of core/resources with its keys', async () => {
    for (const def of Object.values(tables)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName('local', def) }));
      const hash = Table!.KeySchema!.find((k) => k.KeyType === 'HASH');
      expect(hash?.AttributeName).toBe(def.partitionKey.name);
    }
  });

  it('lets a conditional put win once and fails the second with ConditionalCheckFailedException', async () => {
    const id = `${testTenant('ddb')}#evt-1`;
    const putId = (key: string) =>
      client.send(
        new PutItemCommand({
          TableName: tableName('local', tables.idempotency),
          Item: { id: { S: key }, status: { S: 'INPROGRESS' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );

    await expect(putId(id)).resolves.toBeDefined();
    await expect(putId(id)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
