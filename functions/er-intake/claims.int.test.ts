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

const t = twin();
const keys = ensureDevKeys(join(mkdtempSync(join(tmpdir(), 'intake-keys-')), 'keys.json'));
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const tenant = testTenant('intclaims').toLowerCase();
let app: ReturnType<typeof createIntakeRuntime>;

beforeAll(async () => {
  const pair = await createQueuePair(sqs, `intake-claims-${tenant}`);
  app = createIntakeRuntime(loadApiConfig({ ...intakeApiEnv(t, keys), INTAKE_QUEUE_URL: pair.queueUrl }));
});
afterAll(() => sqs.destroy());

/** A token from the twin's issuer carrying exactly `claims` (besides issuer, audience and times). */
async function token(claims: Record<string, unknown>) {
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({ tenant, sub: 'producer-1', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

const post = async (claims: Record<string, unknown>) =>
  app.request('/intake', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(claims)}` },
    body: JSON.stringify({ events: [{ idempotencyKey: `k-${Math.random()}`, record: personRecord() }] }),
  });

describe('intake API matches the producer role exactly, on typed claims only', () => {
  it('refuses a string role that merely contains "producer", and roles that are not strings, with 401', async () => {
    for (const roles of ['reproducers', 'producer', { role: 'producer' }, [{ name: 'producer' }], [42]]) {
      const res = await post({ roles });
      expect(res.status, JSON.stringify(roles)).toBe(401);
      expect(await res.json()).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(/^token claim roles/),
      });
    }
  });

  it('refuses a list role that is not exactly producer with 403, and accepts the exact role', async () => {
    const near = await post({ roles: ['reproducers', 'producer-admin'] });
    expect(near.status).toBe(403);
    expect(await near.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await post({ roles: ['producer'] })).status).toBe(202);
  });
});
