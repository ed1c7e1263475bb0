import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../functions/core/aws/dynamodb.js';
import { sqsClient } from '../../functions/core/aws/sqs.js';
import { envelopeFor, personRecord } from '../../functions/core/er/test-support/records.js';
import { createDriver } from '../../functions/core/graph/driver.js';
import { DynamoDbFailureStore } from '../../functions/core/idempotency/dynamodb-failures.js';
import { tableName, tables } from '../../functions/core/resources/index.js';
import { twinWorker } from '../../functions/er-intake/test-support/twin-consumer.js';
import { replayDlq } from '../../functions/er-replay/replay.js';
import { createQueuePair, queueCount } from './queues.js';
import { testTenant, twin } from './test-support/twin.js';
import { waitFor } from './wait-for.js';

/**
 * The ER pipeline across two deployables, as the twin composes them: the er-intake worker dead-letters what it cannot
 * apply, and er-replay brings it back once the cause is fixed.
 */
const t = twin();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const ddb = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
const failures = new DynamoDbFailureStore(ddb, tableName('local', tables.idempotency));
const driver = createDriver(t.neo4jUri);

afterAll(async () => {
  await driver.close();
  sqs.destroy();
  ddb.destroy();
});

async function query<T = Record<string, unknown>>(cypher: string, params: Record<string, unknown>): Promise<T[]> {
  const { records } = await driver.executeQuery(cypher, params);
  return records.map((r) => r.toObject() as T);
}

describe('ER worker, DLQ and replay on the twin', () => {
  const workerOn = (pair: { queueUrl: string; dlqUrl: string }, env: Record<string, string> = {}) =>
    twinWorker(t, pair, env);

  it('replays dead-lettered events after the fix: dry run, filtered re-send, then a move task', async () => {
    const tenant = testTenant('er-replay');
    const pair = await createQueuePair(sqs, `er-replay-${tenant}`, { visibilityTimeoutS: 2 });
    const vehicles = ['v1', 'v2', 'v3'].map((k) => ({
      Id: k,
      MessageBody: JSON.stringify(envelopeFor(tenant, k, personRecord({ kind: 'VEHICLE', names: [`Car ${k}`] }))),
    }));
    let worker = await workerOn(pair, { ER_ENABLED_KINDS: 'PERSON,ORGANISATION' });
    try {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pair.queueUrl,
          Entries: [...vehicles, { Id: 'junk', MessageBody: 'not json' }],
        }),
      );
      await waitFor(
        '4 in DLQ',
        async () => ((await queueCount(sqs, pair.dlqUrl)).visible === 4 ? true : undefined),
        45_000,
      );
    } finally {
      await worker.stop();
    }
    const base = { sqs, ...pair, failures };
    const dry = await replayDlq({ ...base, filter: 'code=KIND_NOT_ENABLED', dryRun: true, scanVisibilityS: 5 });
    expect(dry).toMatchObject({ mode: 'dry-run', moved: 3, stayed: 1 });
    expect(dry.byCode).toEqual({ KIND_NOT_ENABLED: { moved: 3, stayed: 0 }, INVALID_EVENT: { moved: 0, stayed: 1 } });

    worker = await workerOn(pair); // the fix: every kind enabled
    try {
      const filtered = await replayDlq({
        ...base,
        filter: 'code=KIND_NOT_ENABLED,kind=VEHICLE',
        rate: 50,
        scanVisibilityS: 5,
      });
      expect(filtered).toMatchObject({ mode: 'filtered', moved: 3, stayed: 1 });
      await waitFor('vehicles applied', async () => {
        const n = await query<{ n: number }>('MATCH (d:ErDecision {tenant: $tenant}) RETURN count(d) AS n', { tenant });
        return Number(n[0]!.n) === 3 ? true : undefined;
      });
      // The junk message stays poison: a move task sends it round once more and it returns to the DLQ.
      await waitFor('junk visible again', async () =>
        (await queueCount(sqs, pair.dlqUrl)).visible === 1 ? true : undefined,
      );
      const moved = await replayDlq(base);
      expect(moved).toMatchObject({ mode: 'move-task', moved: 1 });
      await waitFor(
        'junk back in DLQ',
        async () => ((await queueCount(sqs, pair.dlqUrl)).visible === 1 ? true : undefined),
        45_000,
      );
    } finally {
      await worker.stop();
    }
  });
});
