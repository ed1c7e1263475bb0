import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apqBody } from '../../edge/test-support/fixtures.js';
import { sqsClient } from '../../functions/core/aws/sqs.js';
import type { SourceRecord } from '../../functions/core/er/schemas.js';
import { personRecord } from '../../functions/core/er/test-support/records.js';
import { readSse, type SseMessage } from '../../functions/core/http/sse-reader.js';
import { createIntakeRuntime } from '../../functions/er-intake/api-runtime.js';
import { loadApiConfig } from '../../functions/er-intake/config.js';
import type { Worker } from '../../functions/er-intake/local-worker.js';
import { twinWorker } from '../../functions/er-intake/test-support/twin-consumer.js';
import { intakeApiEnv } from './apps.js';
import { ensureDevKeys } from './dev-keys.js';
import { createQueuePair } from './queues.js';
import { edgePerson } from './test-support/edge-person.js';
import { stepUpStack } from './test-support/stepup-stack.js';
import { testTenant, twin } from './test-support/twin.js';
import { waitFor } from './wait-for.js';

/**
 * The live review queue end to end: records pushed through the real intake API → SQS (ElasticMQ) → ER worker → Neo4j
 * open a candidate; the worker's event goes through Redis (Upstash REST) to the origin's subscription, streamed as SSE
 * through the edge to the subscriber of that tenant only, and only when policy lets it see both records.
 */
const t = twin();
const pageOrigin = 'http://localhost:4300';
const keys = ensureDevKeys(join(mkdtempSync(join(tmpdir(), 'review-events-keys-')), 'keys.json'));
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
let stack: Awaited<ReturnType<typeof stepUpStack>>;
let worker: Worker;
let intake: ReturnType<typeof createIntakeRuntime>;

beforeAll(async () => {
  stack = await stepUpStack({ pageOrigin });
  const pair = await createQueuePair(sqs, `review-events-${Date.now()}`);
  worker = await twinWorker(t, pair);
  intake = createIntakeRuntime(loadApiConfig({ ...intakeApiEnv(t, keys), INTAKE_QUEUE_URL: pair.queueUrl }));
});
afterAll(async () => {
  await worker?.stop();
  await stack?.close();
  sqs.destroy();
});

async function produce(tenant: string, records: SourceRecord[]) {
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  const token = await new SignJWT({ tenant, roles: ['producer'] })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setSubject('producer-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
  const res = await intake.request('/intake', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ events: records.map((record, i) => ({ idempotencyKey: `k${i}-${Date.now()}`, record })) }),
  });
  expect(res.status).toBe(202);
}

/** A MID pair: the same name once with a passport, once with a birth date. */
const midPair = (name: string, dataClass: SourceRecord['dataClass'] = 'ENTITY') => [
  personRecord({ names: [name], identifiers: [{ scheme: 'passport', value: 'P-77-4711' }], dataClass }),
  personRecord({ names: [name], dates: [{ type: 'birth', value: '1961-01-01' }], dataClass }),
];

/** Opens `ReviewQueueChanged` through the edge as `tenant`'s person; collects what arrives until closed. */
async function subscribe(tenant: string, subject: string, claims: Record<string, unknown>, after?: string) {
  const token = await stack.issuer.sign({ tenant, sid: `sess-${subject}`, ...claims }, { sub: subject });
  const abort = new AbortController();
  const res = await stack.edge.request('/graphql', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: apqBody('ReviewQueueChanged', after ? { after } : {}),
    signal: abort.signal,
  });
  const messages: SseMessage[] = [];
  const reading = res.body ? readSse(res.body, (m) => messages.push(m), abort.signal) : Promise.resolve();
  const events = () => messages.filter((m) => m.event === 'next').map((m) => m.data);
  return {
    res,
    messages,
    events,
    async close() {
      abort.abort();
      await reading;
    },
  };
}

const investigator = { roles: ['investigator'], clearances: ['pii'] };

describe('reviewQueueChanged (SSE through the edge; ER worker → Redis stream → origin)', () => {
  it("streams the candidate the worker opened from the real intake to its tenant's subscriber, and nothing to another tenant", async () => {
    const a = testTenant('live-a');
    const b = testTenant('live-b');
    const subA = await subscribe(a, 'ann', investigator);
    const subB = await subscribe(b, 'bob', investigator);
    try {
      expect(subA.res.status).toBe(200);
      expect(subA.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(subA.res.headers.get('cache-control')).toContain('no-store');
      expect(subA.res.headers.get('x-cache')).toBe('BYPASS');

      await produce(a, midPair('Rosalind Okafor'));
      const created = await waitFor(
        'the CREATED event at tenant A',
        async () => subA.events().find((e) => e.data?.reviewQueueChanged?.kind === 'CREATED'),
        60_000,
      );
      const event = created.data.reviewQueueChanged;
      expect(created.errors).toBeUndefined();
      expect(event).toMatchObject({ status: 'OPEN', review: { id: event.reviewId, status: 'OPEN', band: 'MID' } });
      expect(event.review.entity.names).toContain('Rosalind Okafor');
      expect(Date.parse(event.committedAt)).toBeGreaterThan(Date.now() - 60_000);

      // A reviewer's claim is the next event; tenant B still has seen nothing at all.
      const ann = await edgePerson(stack, pageOrigin, a, 'ann', investigator);
      const claim = await ann.call('ClaimReviews', { ids: [event.reviewId] });
      expect(claim.json.data.claimReviews.succeeded).toBe(1);
      const claimed = await waitFor('the CLAIMED event', async () =>
        subA.events().find((e) => e.data?.reviewQueueChanged?.kind === 'CLAIMED'),
      );
      expect(claimed.data.reviewQueueChanged).toMatchObject({ reviewId: event.reviewId, review: { assignee: 'ann' } });
      expect(subB.res.status).toBe(200);
      expect(subB.events()).toEqual([]);

      // Tenant B's own candidate reaches B's subscriber (its stream works) and never A's.
      await produce(b, midPair('Tomasz Wierzbicki'));
      const atB = await waitFor(
        'the CREATED event at tenant B',
        async () => subB.events().find((e) => e.data?.reviewQueueChanged?.kind === 'CREATED'),
        60_000,
      );
      expect(atB.data.reviewQueueChanged.review.entity.names).toContain('Tomasz Wierzbicki');
      expect(subA.events().map((e) => e.data.reviewQueueChanged.reviewId)).not.toContain(
        atB.data.reviewQueueChanged.reviewId,
      );
    } finally {
      await subA.close();
      await subB.close();
    }
    expect(subB.events().map((e) => e.data.reviewQueueChanged.review.entity.names[0])).toEqual(['Tomasz Wierzbicki']);
  });

  it('sends nothing about a pair the subscriber may not see, and resumes after a cursor', async () => {
    const tenant = testTenant('live-scope');
    const viewer = await subscribe(tenant, 'vic', { roles: ['viewer'] });
    const cleared = await subscribe(tenant, 'ann', investigator);
    let cursor: string;
    try {
      await produce(tenant, midPair('Ingrid Castellanos', 'PII'));
      const seen = await waitFor(
        'the PII candidate at the cleared reviewer',
        async () => cleared.events().find((e) => e.data?.reviewQueueChanged?.kind === 'CREATED'),
        60_000,
      );
      cursor = seen.data.reviewQueueChanged.cursor;
      // A pair the viewer may see comes after it on the same stream: the viewer gets that one only.
      await produce(tenant, midPair('Oluwaseun Adebayo'));
      const visible = await waitFor('the ENTITY candidate at the viewer', async () => viewer.events()[0], 60_000);
      expect(visible.data.reviewQueueChanged.review.entity.names).toContain('Oluwaseun Adebayo');
      expect(viewer.events()).toHaveLength(1);
    } finally {
      await viewer.close();
      await cleared.close();
    }
    // Resuming from before the event: the reconnecting reviewer gets it again; from after it, nothing.
    const before = await subscribe(tenant, 'ann', investigator, '0-0');
    try {
      const again = await waitFor('the replayed event', async () => before.events()[0]);
      expect(again.data.reviewQueueChanged.cursor).toBe(cursor);
    } finally {
      await before.close();
    }
  });

  it('refuses a subscription without an event-stream Accept, a bad cursor, and a query asked as a stream, with stable 4xx codes', async () => {
    const tenant = testTenant('live-bad');
    const token = await stack.issuer.sign({ tenant, sid: 's', ...investigator }, { sub: 'ann' });
    const post = (body: string, accept: string) =>
      stack.edge.request('/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
        body,
      });
    const asJson = await post(apqBody('ReviewQueueChanged', {}), 'application/json');
    const queryAsStream = await post(apqBody('ReviewQueue', {}), 'text/event-stream');
    const badCursor = await subscribe(tenant, 'ann', investigator, 'not-a-cursor');
    const unauthenticated = await stack.edge.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: apqBody('ReviewQueueChanged', {}),
    });
    await badCursor.close();

    expect(asJson.status).toBe(406);
    expect((await asJson.json()).errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
    expect(queryAsStream.status).toBe(406);
    expect(unauthenticated.status).toBe(401);
    const errors = badCursor.events().flatMap((e) => e.errors ?? []);
    expect(badCursor.res.status < 500).toBe(true);
    expect(errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['INVALID_INPUT']);
  });
});
