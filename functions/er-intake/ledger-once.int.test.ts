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
const auditTable = tableName('local', tables.auditLedger);
afterAll(async () => {
  sqs.destroy();
  await driver.close();
});

const count = async (cypher: string, tenant: string) =>
  Number((await driver.executeQuery(cypher, { tenant })).records[0]!.get('n'));

describe('audit ledger: one er.band entry per event when a receive outlives its batch', () => {
  it('appends once although the first receive is still appending when the redelivered copy appends', async () => {
    const tenant = testTenant('ledger-once');
    // The workers' deadline is the 2 s visibility timeout minus a second, and the first put of each event's ledger
    // entry is held 3.5 s, so the message comes back and the redelivered copy, on the other worker, chains the same
    // decision's entry while the first receive is still appending it.
    const pair = await createQueuePair(sqs, `ledger-once-${tenant}`, { visibilityTimeoutS: 2, maxReceiveCount: 50 });
    const entryPuts = new Map<string, number>();
    const proxy = await throttlingProxy(t.dynamoEndpoint, 0, {
      delayMs: (op, body) => {
        const item = body.Item as Record<string, { S?: string }> | undefined;
        if (op !== 'PutItem' || body.TableName !== auditTable || item?.tenant?.S !== tenant) return 0;
        // An entry's item, or a block of several (the once-marker partition is another tenant key).
        const subjects = item.entries?.S
          ? (JSON.parse(item.entries.S) as { subject: string }[]).map((e) => e.subject)
          : item.hash
            ? [String(item.subject?.S)]
            : [];
        let first = false;
        for (const subject of subjects) {
          const n = (entryPuts.get(subject) ?? 0) + 1;
          entryPuts.set(subject, n);
          first ||= n === 1;
        }
        return first ? 3_500 : 0;
      },
    });
    const endpoints = { ...t, dynamoEndpoint: proxy.url };
    const workers = await Promise.all([twinWorker(endpoints, pair), twinWorker(endpoints, pair)]);
    const events = Array.from({ length: 8 }, (_, i) =>
      JSON.stringify(envelopeFor(tenant, `k${i}`, personRecord({ names: [`Slow Ledger Person ${i}`] }))),
    );
    try {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pair.queueUrl,
          Entries: events.map((b, k) => ({ Id: String(k), MessageBody: b })),
        }),
      );
      await waitFor(
        'every event applied and the queue drained',
        async () => {
          if ((await count(decisionCountCypher.cypher, tenant)) !== events.length) return undefined;
          const q = await queueCount(sqs, pair.queueUrl);
          return q.visible + q.inFlight === 0 ? true : undefined;
        },
        150_000,
      );
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await proxy.close();
    }

    // The race happened: some event's entry was put more than once (the redelivered copy and the held first put).
    expect(Math.max(...entryPuts.values())).toBeGreaterThan(1);
    expect(await count(appliedEventCountCypher.cypher, tenant)).toBe(events.length);
    expect((await queueCount(sqs, pair.dlqUrl)).visible).toBe(0);
    const ledger = new DynamoDbAuditLedger({
      client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
      tableName: auditTable,
    });
    const chain = await verifyLedger(tenant, ledger.read(tenant));
    const subjects: string[] = [];
    for await (const e of ledger.read(tenant)) if (e.kind === 'er.band') subjects.push(String(e.subject));
    expect(chain.ok).toBe(true);
    expect(subjects.sort()).toEqual(events.map((_, i) => `ev-k${i}`).sort());
  }, 200_000);
});
