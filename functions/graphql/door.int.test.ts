import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { maxBodyBytes } from './app.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';

type Origin = Awaited<ReturnType<typeof realOrigin>>;
let o: Origin;
let server: Server;
let base: string;
beforeAll(async () => {
  o = await realOrigin();
  // The origin as `npm start`, the benchmarks and the rotation drill run it: yoga's Node adapter over node:http.
  server = createServer((req, res) => o.yoga(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await o.close();
});

/** A body of `total` bytes that counts how much of it the server pulled. */
function countedBody(total: number, chunk = 16 * 1024) {
  const seen = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.bytes >= total) return controller.close();
      seen.bytes += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  return { stream, seen };
}

describe('the origin checks every request before parsing it, on one path only', () => {
  it('answers 404 NOT_FOUND on every path but /graphql, even correctly signed for that path', async () => {
    const tenant = testTenant('door');
    for (const path of ['/graphql/', '/graphql/x', '/other', '/', '/GRAPHQL']) {
      const req = await signedGraphqlRequest({ tenant, operation: 'Search', variables: { text: 'x' }, path });
      const res = await o.yoga.fetch(req);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('/graphql only') });
    }
  });

  it('never reads the body of a request to another path', async () => {
    const { stream, seen } = countedBody(8 * 1024 * 1024);
    const req = new Request('http://origin.local/graphql/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const res = await o.yoga.fetch(req);
    expect(res.status).toBe(404);
    expect(seen.bytes).toBeLessThan(1024 * 1024);
  });

  it('stops reading an oversized body without content-length at the cap and answers 413', async () => {
    const { stream, seen } = countedBody(8 * 1024 * 1024);
    const req = new Request('http://origin.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const res = await o.yoga.fetch(req);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(seen.bytes).toBeLessThan(4 * maxBodyBytes);
  });

  it('serves a signed request over node:http, where the body stream can be read only once', async () => {
    const tenant = testTenant('doornode');
    const input = { id: 'n1', kind: 'ORGANISATION', names: ['Node Ltd'], dataClass: 'ENTITY', licence: 'PUBLIC' };
    const write = await fetch(
      await signedGraphqlRequest({ tenant, operation: 'UpsertEntity', variables: { input }, base }),
    );
    expect(write.status).toBe(200);
    const read = await fetch(
      await signedGraphqlRequest({ tenant, operation: 'GetEntity', variables: { id: 'n1' }, base }),
    );
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ data: { entity: expect.objectContaining({ id: 'n1', names: ['Node Ltd'] }) } });
  });

  it('answers an oversized body over node:http with 413, declared or streamed', async () => {
    const tenant = testTenant('doorbig');
    const big = JSON.stringify({ variables: { text: 'x'.repeat(maxBodyBytes) } });
    const declared = await fetch(await signedGraphqlRequest({ tenant, rawBody: big, base }));
    expect(declared.status).toBe(413);
    const { stream } = countedBody(2 * 1024 * 1024);
    const streamed = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});
