import { describe, expect, it } from 'vitest';
import type { Envelope } from '../core/er/schemas.js';
import { personRecord } from '../core/er/test-support/records.js';
import { HttpError } from '../core/http/index.js';
import { createIntakeApp, type IntakeAppDeps } from './app.js';

function appWith(over: Partial<IntakeAppDeps> = {}) {
  const sent: Envelope[] = [];
  const app = createIntakeApp({
    verify: async (auth) => {
      if (auth !== 'Bearer good') throw new HttpError(401, 'UNAUTHENTICATED', 'token invalid');
      return {
        tenant: 'acme',
        subject: 'producer-1',
        sessionId: undefined,
        attributes: { roles: ['producer'], clearances: [], purposes: [] },
      };
    },
    rateLimit: async () => ({ 'ratelimit-limit': '100' }),
    send: async (envelopes) => {
      sent.push(...envelopes);
      return envelopes.map(() => null);
    },
    limits: { maxBodyBytes: 64 * 1024, maxEvents: 50 },
    ...over,
  });
  const post = (body: unknown, headers: Record<string, string> = { authorization: 'Bearer good' }) =>
    app.request('/intake', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { post, sent };
}

describe('intake API', () => {
  it('answers 202 with an event id per accepted event and a coded rejection per invalid one', async () => {
    const { post, sent } = appWith();
    const res = await post({
      events: [
        { idempotencyKey: 'k1', record: personRecord() },
        { idempotencyKey: 'k2', record: { kind: 'PERSON' } },
      ],
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.accepted).toEqual([{ index: 0, idempotencyKey: 'k1', eventId: expect.stringMatching(/^ev-/) }]);
    expect(body.rejected).toMatchObject([{ index: 1, idempotencyKey: 'k2', status: 400, code: 'INVALID_EVENT' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ tenant: 'acme', submittedBy: 'producer-1', idempotencyKey: 'k1' });
  });

  it('gives a re-sent event the same id, and enqueues a key repeated in one request once', async () => {
    const { post, sent } = appWith();
    const record = personRecord();
    const a = await (
      await post({
        events: [
          { idempotencyKey: 'k1', record },
          { idempotencyKey: 'k1', record },
        ],
      })
    ).json();
    const b = await (await post({ events: [{ idempotencyKey: 'k1', record }] })).json();
    expect(a.accepted[0].eventId).toBe(a.accepted[1].eventId);
    expect(b.accepted[0].eventId).toBe(a.accepted[0].eventId);
    expect(sent).toHaveLength(2);
  });

  it('rejects the same key with a different record within one request', async () => {
    const { post } = appWith();
    const res = await post({
      events: [
        { idempotencyKey: 'k1', record: personRecord() },
        { idempotencyKey: 'k1', record: personRecord() },
      ],
    });
    expect((await res.json()).rejected[0]).toMatchObject({ index: 1, code: 'DUPLICATE_KEY_CONFLICT' });
  });

  it('answers 400 for a body that is not JSON, not {events}, or has no valid event', async () => {
    const { post } = appWith();
    expect((await post('{nope')).status).toBe(400);
    expect(await (await post({ records: [] })).json()).toMatchObject({ code: 'BAD_REQUEST' });
    const none = await post({ events: [{ idempotencyKey: 'k1' }] });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: 'INVALID_EVENT', rejected: [{ index: 0 }] });
  });

  it('answers 401 without a valid token and 403 without the producer role', async () => {
    expect((await appWith().post({ events: [] }, {})).status).toBe(401);
    const analyst = appWith({
      verify: async () => ({
        tenant: 'acme',
        subject: 's',
        sessionId: undefined,
        attributes: { roles: ['analyst'], clearances: [], purposes: [] },
      }),
    });
    expect(await (await analyst.post({ events: [] })).json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 413 over the size limit, declared or streamed', async () => {
    const { post } = appWith({ limits: { maxBodyBytes: 1024, maxEvents: 50 } });
    const res = await post({ events: [{ idempotencyKey: 'k', record: personRecord({ names: ['x'.repeat(2000)] }) }] });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 429 with Retry-After when the tenant is over its event rate', async () => {
    const { post, sent } = appWith({
      rateLimit: async () => {
        throw new HttpError(429, 'RATE_LIMITED', 'over', { 'retry-after': '3' });
      },
    });
    const res = await post({ events: [{ idempotencyKey: 'k1', record: personRecord() }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(sent).toHaveLength(0);
  });

  it('reports events the queue refused as retryable per-event rejections', async () => {
    const { post } = appWith({
      send: async (es) => es.map(() => ({ code: 'ENQUEUE_FAILED' as const, message: 'no' })),
    });
    const res = await post({ events: [{ idempotencyKey: 'k1', record: personRecord() }] });
    const body = await res.json();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(body).toMatchObject({ code: 'ENQUEUE_FAILED', accepted: [] });
    expect(body.rejected[0]).toMatchObject({ status: 503, code: 'ENQUEUE_FAILED' });
  });
});
