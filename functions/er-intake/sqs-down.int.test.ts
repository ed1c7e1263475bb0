import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { intakeApiEnv } from '../../infra/local/apps.js';
import { ensureDevKeys } from '../../infra/local/dev-keys.js';
import { devToken } from '../../infra/local/dev-token.js';
import { freePort } from '../../infra/local/process.js';
import { createQueuePair } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { personRecord } from '../core/er/test-support/records.js';
import { DynamoDbWriteJournal } from '../core/journal/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

const t = twin();
const keys = ensureDevKeys();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const journal = new DynamoDbWriteJournal({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.writeJournal),
});
afterAll(() => sqs.destroy());

async function journaled(tenant: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of journal.read(tenant, 0))
    if (e.payload.kind === 'event') ids.push(String(e.payload.envelope.eventId));
  return ids.sort();
}

describe('failure mode: SQS unavailable at intake', () => {
  it('answers a burst with 503 and Retry-After, keeps nothing, and takes every event exactly once when resent', async () => {
    const tenant = testTenant('sqs-down').toLowerCase();
    const pair = await createQueuePair(sqs, `sqs-down-${tenant}`);
    // Nothing listens on this port: the queue is unreachable, as in a regional SQS outage.
    const dead = `http://127.0.0.1:${await freePort()}`;
    const app = (queueUrl: string, endpoint: string) =>
      createIntakeRuntime(
        loadApiConfig({ ...intakeApiEnv(t, keys), INTAKE_QUEUE_URL: queueUrl, SQS_ENDPOINT: endpoint }),
      );
    const token = await devToken({ tenant, sub: 'producer-1', roles: ['producer'] });
    const events = Array.from({ length: 20 }, (_, i) => ({ idempotencyKey: `burst-${i}`, record: personRecord() }));
    const send = (a: ReturnType<typeof app>, event: unknown) =>
      a.request('/intake', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ events: [event] }),
      });

    const down = app(`${dead}/000000000000/${pair.queueUrl.split('/').pop()}`, dead);
    const refused = await Promise.all(events.map((e) => send(down, e)));
    const bodies = await Promise.all(refused.map((r) => r.json()));
    expect(refused.map((r) => r.status)).toEqual(events.map(() => 503));
    expect(refused.every((r) => r.headers.get('retry-after') === '2')).toBe(true);
    expect(bodies.every((b) => b.code === 'ENQUEUE_FAILED' && b.accepted.length === 0)).toBe(true);
    expect(await journaled(tenant)).toEqual([]);

    const up = app(pair.queueUrl, t.sqsEndpoint);
    const resent = await Promise.all(events.map((e) => send(up, e)));
    const accepted = (await Promise.all(resent.map((r) => r.json()))).flatMap((b) => b.accepted);
    expect(resent.map((r) => r.status)).toEqual(events.map(() => 202));
    const queued: string[] = [];
    for (let i = 0; i < 10 && queued.length < 20; i++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      queued.push(...(Messages ?? []).map((m) => String(JSON.parse(m.Body!).eventId)));
    }
    const ids = accepted.map((a: { eventId: string }) => a.eventId).sort();
    expect(queued.sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(20);
    expect(await journaled(tenant)).toEqual(ids);
  });
});
