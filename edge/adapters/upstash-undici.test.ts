import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resendable, undiciRequester } from './upstash-undici.js';

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('resendable', () => {
  it('resends any command the endpoint never received (no connection made)', () => {
    expect(resendable(failure('ECONNREFUSED'), ['eval', 'return 1', '1', 'k'])).toBe(true);
    expect(resendable(new Error('connect', { cause: failure('ECONNREFUSED') }), ['incr', 'k'])).toBe(true);
  });

  it('resends a read after a reset, when it may have run once already', () => {
    expect(resendable(failure('UND_ERR_SOCKET'), ['get', 'k'])).toBe(true);
    expect(
      resendable(failure('ECONNRESET'), [
        ['GET', 'a'],
        ['mget', 'b', 'c'],
      ]),
    ).toBe(true);
  });

  it('never resends a script or a write that may have run: the rate limiter would count the request twice', () => {
    expect(resendable(failure('ECONNRESET'), ['eval', 'redis.call("INCR", KEYS[1])', '1', 'k'])).toBe(false);
    expect(
      resendable(failure('UND_ERR_SOCKET'), [
        ['get', 'a'],
        ['incr', 'b'],
      ]),
    ).toBe(false);
  });

  it('does not resend after errors it cannot place', () => {
    expect(resendable(new Error('timeout'), ['get', 'k'])).toBe(false);
    expect(resendable(failure('UND_ERR_HEADERS_TIMEOUT'), ['get', 'k'])).toBe(false);
  });
});

describe('undiciRequester merges the pipelines of one event-loop turn', () => {
  /** Bodies the stub endpoint received; it echoes each command's second word, or answers 400 when told to. */
  const calls: unknown[][][] = [];
  let server: Server;
  let url: string;
  let refuse = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString();
      });
      req.on('end', () => {
        const body = JSON.parse(text) as unknown[][];
        calls.push(body);
        res.writeHead(refuse ? 400 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(refuse ? { error: 'ERR refused' } : body.map((c) => ({ result: c[1] }))));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends pipelines asked for in one turn as one POST /pipeline and gives each caller its own items', async () => {
    const requester = undiciRequester({ url, token: 't' });
    calls.length = 0;
    const [a, b] = await Promise.all([
      requester.request({ path: ['pipeline'], body: [['get', 'a1']] }),
      requester.request({
        path: ['pipeline'],
        body: [
          ['get', 'b1'],
          ['get', 'b2'],
        ],
      }),
    ]);
    expect(calls).toEqual([
      [
        ['get', 'a1'],
        ['get', 'b1'],
        ['get', 'b2'],
      ],
    ]);
    expect(a).toEqual([{ result: 'a1' }]);
    expect(b).toEqual([{ result: 'b1' }, { result: 'b2' }]);
    // The next turn is a call of its own; a single command is never merged.
    await requester.request({ path: ['pipeline'], body: [['get', 'c1']] });
    await requester.request({ path: [], body: ['get', 'd1'] });
    expect(calls.slice(1)).toEqual([[['get', 'c1']], ['get', 'd1']]);
    await requester.close();
  });

  it('fails every pipeline of a merged call that the endpoint refuses', async () => {
    const requester = undiciRequester({ url, token: 't' });
    refuse = true;
    const results = await Promise.allSettled([
      requester.request({ path: ['pipeline'], body: [['get', 'a']] }),
      requester.request({ path: ['pipeline'], body: [['get', 'b']] }),
    ]);
    refuse = false;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await requester.close();
  });
});
