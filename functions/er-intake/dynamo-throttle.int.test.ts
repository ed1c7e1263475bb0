import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueuePair, queueCount } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { waitFor } from '../../infra/local/wait-for.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { verifyLedger } from '../core/audit/verify.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { appliedEventCountCypher, decisionCountCypher } from '../core/er/cypher.js';
import { envelopeFor, personRecord } from '../core/er/test-support/records.js';
import { createDriver } from '../core/graph/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { throttlingProxy } from './test-support/throttling-proxy.js';
import { twinWorker } from './test-support/twin-consumer.js';

const t = twin();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const driver = createDriver(t.neo4jUri);
afterAll(async () => {
  sqs.destroy();
  await driver.close();
});

const count = async (cypher: string, tenant: string) =>
  Number((await driver.executeQuery(cypher, { tenant })).records[0]!.get('n'));

describe('failure mode: DynamoDB throttling under the ER worker', () => {
  it('backs off and retries: every event applied once, one ledger entry each, nothing dead-lettered', async () => {
    const tenant = testTenant('throttle');
    // A visibility timeout like a deployed queue's (well above a throttled event's time), so the throttling, not an
    // early redelivery racing the first receive, is what the test exercises.
    const pair = await createQueuePair(sqs, `throttle-${tenant}`, { visibilityTimeoutS: 30 });
    const proxy = await throttlingProxy(t.dynamoEndpoint, 3);
    const worker = await twinWorker({ ...t, dynamoEndpoint: proxy.url }, pair);
    const events = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify(envelopeFor(tenant, `k${i}`, personRecord({ names: [`Throttled Person ${i}`] }))),
    );
    try {
      for (let i = 0; i < events.length; i += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: pair.queueUrl,
            Entries: events.slice(i, i + 10).map((b, k) => ({ Id: String(k), MessageBody: b })),
          }),
        );
      }
      await waitFor(
        'every event applied',
        async () => ((await count(decisionCountCypher.cypher, tenant)) === events.length ? true : undefined),
        90_000,
      );
      await waitFor(
        'queue drained',
        async () => {
          const q = await queueCount(sqs, pair.queueUrl);
          return q.visible + q.inFlight === 0 ? true : undefined;
        },
        30_000,
      );
    } finally {
      await worker.stop();
      await proxy.close();
    }

    const throttled = Object.values(proxy.throttled).reduce((a, b) => a + b, 0);
    expect(throttled).toBeGreaterThan(10);
    expect(Object.keys(proxy.throttled)).toContain('PutItem');
    expect(await count(appliedEventCountCypher.cypher, tenant)).toBe(events.length);
    expect((await queueCount(sqs, pair.dlqUrl)).visible).toBe(0);
    const ledger = new DynamoDbAuditLedger({
      client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
      tableName: tableName('local', tables.auditLedger),
    });
    const chain = await verifyLedger(tenant, ledger.read(tenant));
    const subjects: string[] = [];
    for await (const e of ledger.read(tenant)) if (e.kind === 'er.band') subjects.push(String(e.subject));
    expect(chain.ok).toBe(true);
    expect(subjects).toHaveLength(events.length);
    expect(new Set(subjects).size).toBe(events.length);
  }, 150_000); // its own waits allow 90 s + 30 s on a loaded machine
});
