import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RespConnection } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import { RespDecoder, type RespValue } from './resp.js';

/**
 * A stand-in Redis that answers `ECHO x` with `$x`, `SLOW ms x` after `ms` milliseconds (keeping order, like Redis),
 * and `DROP` by closing the connection. Counts the connections it accepted.
 */
async function fakeRedis(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    let queue = Promise.resolve();
    const decoder = new RespDecoder((value: RespValue) => {
      const [name, a, b] = (value as Buffer[]).map((x) => x.toString());
      queue = queue.then(async () => {
        if (name === 'DROP') return void socket.destroy();
        if (name === 'SLOW') await new Promise((r) => setTimeout(r, Number(a)));
        const text = name === 'SLOW' ? (b ?? '') : (a ?? '');
        if (!socket.destroyed) socket.write(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
      });
    });
    socket.on('data', (chunk: Buffer) => decoder.write(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => connections };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function setup(requestTimeoutMs = 2_000) {
  const fake = await fakeRedis();
  const connection = new RespConnection({ host: '127.0.0.1', port: fake.port, requestTimeoutMs });
  open.push(connection, fake.server);
  return { ...fake, connection };
}

const text = (replies: RespValue[]) => replies.map((r) => (Buffer.isBuffer(r) ? r.toString() : r));

describe('the shared RESP connection', () => {
  it('pipelines concurrent requests on one socket, each getting its own replies in order', async () => {
    // Prepare
    const { connection, connections } = await setup();

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        connection.send([
          ['ECHO', `a${i}`],
          ['SLOW', String(i % 3), `b${i}`],
        ]),
      ),
    );

    // Assess
    expect(results.map(text)).toEqual(results.map((_, i) => [`a${i}`, `b${i}`]));
    expect(connections()).toBe(1);
  });

  it('answers 503 when a reply is late, drops the stuck connection, and serves the next request on a fresh one', async () => {
    const { connection, connections } = await setup(100);

    const late = connection.send([['SLOW', '300', 'late']]);
    const next = connection.send([['ECHO', 'mine']]);
    // `next` can fail while the assertions on `late` are still pending (its own deadline, or the dropped socket):
    // handled from the start, so that is never an unhandled rejection; asserted below.
    next.catch(() => {});

    await expect(late).rejects.toThrow(/no reply within 100 ms/);
    await expect(late).rejects.toMatchObject({ status: 503 });
    // `next` was queued behind the overdue reply on the same socket: it fails too (503), and the socket is dropped,
    // so a fresh request is answered at once on a new connection instead of queuing behind the slow reply.
    await expect(next).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(text(await connection.send([['ECHO', 'fresh']]))).toEqual(['fresh']);
    expect(connections()).toBe(2);
  });

  it('fails in-flight requests with 503 when the connection drops, then reconnects', async () => {
    const { connection, connections } = await setup();

    const dropped = connection.send([['DROP']]);

    await expect(dropped).rejects.toThrow(/connection to redis lost/);
    expect(text(await connection.send([['ECHO', 'again']]))).toEqual(['again']);
    expect(connections()).toBe(2);
  });

  it('bounds a request made while Redis is unreachable', async () => {
    const fake = await fakeRedis();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    const connection = new RespConnection({ host: '127.0.0.1', port: fake.port, requestTimeoutMs: 150 });
    open.push(connection);

    // Bounded by its own deadline (150 ms), well inside the test's timeout: a hang fails the test.
    await expect(connection.send([['ECHO', 'x']])).rejects.toBeInstanceOf(RedisUnavailableError);
  });
});
