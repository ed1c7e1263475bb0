import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { readCappedBody, readCappedText } from './body.js';
import { errorResponse, HttpError } from './errors.js';
import { negotiateGraphqlMediaType } from './negotiate.js';

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://test/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A body that arrives in chunks with no content-length, like a chunked upload. */
function streamed(chunks: number, size: number) {
  let sent = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(size).fill(120));
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, sent: () => sent, cancelled: () => cancelled };
}

describe('readCappedBody', () => {
  it('reads a body up to the cap', async () => {
    expect(await readCappedText(post('héllo'), 6)).toBe('héllo');
    expect(await readCappedBody(new Request('http://test/x'), 1)).toHaveLength(0);
  });

  it('refuses a declared content-length over the cap before reading', async () => {
    const req = post('x'.repeat(10), { 'content-length': '10' });
    await expect(readCappedBody(req, 5)).rejects.toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(req.bodyUsed).toBe(false);
  });

  it('stops reading and cancels the stream as soon as it passes the cap', async () => {
    const s = streamed(100, 1024);
    const err = await readCappedBody(post(s.body), 4096, 'send less').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'send less' });
    expect(s.sent()).toBeLessThan(10);
    await new Promise((r) => setTimeout(r, 0));
    expect(s.cancelled()).toBe(true);
  });

  it('reads a clone without hanging, leaving the original readable', async () => {
    const req = post('x'.repeat(100));
    await expect(readCappedBody(req.clone(), 10)).rejects.toMatchObject({ status: 413 });
    expect(await req.text()).toHaveLength(100);
  });
});

describe('errorResponse', () => {
  it('answers an HttpError with its status, headers and the body REST and GraphQL clients both read', async () => {
    const res = errorResponse(new HttpError(429, 'RATE_LIMITED', 'slow down', { 'retry-after': '3' }, { limit: 5 }));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      code: 'RATE_LIMITED',
      message: 'slow down',
      errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }],
      details: { limit: 5 },
    });
  });

  it('answers any other HTTPException as BAD_REQUEST with its status', async () => {
    const res = errorResponse(new HTTPException(400, { message: 'malformed' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'BAD_REQUEST', message: 'malformed' });
  });

  it('masks an unexpected error as a 500 and logs its message, never its stack', async () => {
    const logged: Record<string, unknown>[] = [];
    const res = errorResponse(new Error('db password is hunter2'), {
      log: (e) => logged.push(e),
      maskedMessage: 'try again',
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'try again' });
    expect(logged).toEqual([{ level: 'error', msg: 'unexpected error', error: 'db password is hunter2' }]);
  });

  it('is what a Hono app without onError answers for an HttpError', async () => {
    const res = new HttpError(404, 'NOT_FOUND', 'no such route').getResponse();
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('GraphQL media type negotiation', () => {
  it('follows RFC 9110: most specific range decides, q=0 excludes, ties favour a named GraphQL type', () => {
    const cases: [string | undefined, string | undefined][] = [
      [undefined, 'application/json'],
      ['', 'application/json'],
      ['*/*', 'application/json'],
      ['application/*', 'application/json'],
      ['application/json', 'application/json'],
      ['application/graphql-response+json', 'application/graphql-response+json'],
      ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
      ['application/graphql-response+json;q=0.9, application/json', 'application/json'],
      ['application/json;q=0, */*', 'application/graphql-response+json'],
      ['application/json; q = 0.5, application/graphql-response+json;q=0.4', 'application/json'],
      ['text/html, */*;q=0.8', 'application/json'],
      ['text/html', undefined],
      ['*/*;q=0', undefined],
      ['application/json;q=2', undefined],
    ];
    for (const [accept, expected] of cases)
      expect([accept, negotiateGraphqlMediaType(accept)]).toEqual([accept, expected]);
  });
});
