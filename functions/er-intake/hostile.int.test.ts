import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeApiEnv } from '../../infra/local/apps.js';
import { ensureDevKeys } from '../../infra/local/dev-keys.js';
import { createQueuePair } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { sqsClient } from '../core/aws/sqs.js';
import { personRecord } from '../core/er/test-support/records.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

/** Inputs that can never succeed must be refused as the producer's fault (4xx), never as a retryable 503. */
const t = twin();
const keys = ensureDevKeys(join(mkdtempSync(join(tmpdir(), 'intake-keys-')), 'keys.json'));
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const tenant = testTenant('hostile').toLowerCase();
let app: ReturnType<typeof createIntakeRuntime>;
let bearer: string;

beforeAll(async () => {
  const pair = await createQueuePair(sqs, `intake-hostile-${tenant}`);
  app = createIntakeRuntime(loadApiConfig({ ...intakeApiEnv(t, keys), INTAKE_QUEUE_URL: pair.queueUrl }));
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  bearer = await new SignJWT({ tenant, roles: ['producer'] })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setSubject('producer-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
});
afterAll(() => sqs.destroy());

const post = (body: string, type = 'application/json') =>
  app.request('/intake', {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${bearer}` },
    body,
  });

describe('intake API refuses what can never be enqueued', () => {
  it.each([
    ['a NUL in a name', { names: ['Jane\u0000Doe'] }],
    ['a lone surrogate in a name', { names: ['Jane \ud800'] }],
    ['U+FFFF in a source id', { source: { system: 'crm', recordId: 'r\uffff' } }],
    ['U+FFFE in an attribute value', { attributes: { note: 'a\ufffeb' } }],
    ['a control character in an attribute key', { attributes: { 'no\u0001te': 'x' } }],
  ])('answers an event with %s as 400 INVALID_EVENT, not a retryable 503', async (_, overrides) => {
    const events = [{ idempotencyKey: `k-${Math.random().toString(36).slice(2)}`, record: personRecord(overrides) }];
    const res = await post(JSON.stringify({ events }));
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ code: 'INVALID_EVENT', rejected: [{ index: 0, status: 400, code: 'INVALID_EVENT' }] });
    expect(JSON.stringify(body.rejected[0].issues)).toContain('character');
  });

  it('rejects only the bad event of a batch and accepts the rest', async () => {
    const events = [
      { idempotencyKey: 'good-1', record: personRecord() },
      { idempotencyKey: 'bad-1', record: personRecord({ names: ['x\uffff'] }) },
    ];
    const res = await post(JSON.stringify({ events }));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.accepted.map((a: { index: number }) => a.index)).toEqual([0]);
    expect(body.rejected).toMatchObject([{ index: 1, status: 400, code: 'INVALID_EVENT' }]);
  });

  it('answers deeply nested attributes with 400 JSON_TOO_DEEP', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const text = `{"events":[{"idempotencyKey":"deep","record":${JSON.stringify(personRecord()).replace(/"attributes":\{\}/, `"attributes":{"a":${deep}}`)}}]}`;
    const res = await post(text);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'JSON_TOO_DEEP' });
  });

  it.each(['application/jsonp', 'application/json-seq', 'text/plain'])('answers %s with 415', async (type) => {
    const res = await post(JSON.stringify({ events: [{ idempotencyKey: 'k', record: personRecord() }] }), type);
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
