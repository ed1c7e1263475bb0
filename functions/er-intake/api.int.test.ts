import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { importJWK, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { intakeApiEnv } from '../../infra/local/apps.js';
import { ensureDevKeys } from '../../infra/local/dev-keys.js';
import { createQueuePair } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { sqsClient } from '../core/aws/sqs.js';
import { envelopeSchema } from '../core/er/schemas.js';
import { personRecord } from '../core/er/test-support/records.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

const t = twin();
const keys = ensureDevKeys(join(mkdtempSync(join(tmpdir(), 'intake-keys-')), 'keys.json'));
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
afterAll(() => sqs.destroy());

async function token(tenant: string, roles = ['producer']) {
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({ tenant, roles })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setSubject('producer-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

describe('intake API on the twin (JWT, Upstash rate limit, SQS)', () => {
  it('enqueues valid events as envelopes, answers 401 without a token and 429 over the tenant rate', async () => {
    const tenant = testTenant('intake').toLowerCase();
    const pair = await createQueuePair(sqs, `intake-api-${tenant}`);
    const app = createIntakeRuntime(
      loadApiConfig({
        ...intakeApiEnv(t, keys),
        INTAKE_QUEUE_URL: pair.queueUrl,
        INTAKE_RATE_EVENTS: '12',
        INTAKE_RATE_WINDOW_S: '60',
      }),
    );
    const post = async (events: unknown[], auth?: string) =>
      app.request('/intake', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify({ events }),
      });
    const events = Array.from({ length: 11 }, (_, i) => ({ idempotencyKey: `k${i}`, record: personRecord() }));

    expect((await post(events)).status).toBe(401);
    const accepted = await post(events, await token(tenant));
    expect(accepted.status).toBe(202);
    expect((await accepted.json()).accepted).toHaveLength(11);
    const over = await post(events.slice(0, 2), await token(tenant));
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ code: 'RATE_LIMITED' });

    const bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length < 11; i++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      bodies.push(...(Messages ?? []).map((m) => m.Body!));
    }
    expect(bodies).toHaveLength(11);
    expect(envelopeSchema.parse(JSON.parse(bodies[0]!))).toMatchObject({ tenant, submittedBy: 'producer-1' });
  });
});
