/**
 * A fault for the gate's self-check: an HTTP proxy on 127.0.0.1 that holds every request for `delayMs` and then
 * forwards it unchanged (method, path, headers, body — the internal-request signature stays valid) to `targetPort`.
 * Put between the edge and the origin it makes the origin that much slower on every miss, mutation and NLQ call.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FaultProxy {
  port: number;
  /** Requests forwarded so far (the fault really sat in the path). */
  forwarded(): number;
  stop(): Promise<void>;
}

/** Starts the proxy on `port` (0: any free port). */
export async function startDelayProxy(o: { targetPort: number; delayMs: number; port?: number }): Promise<FaultProxy> {
  let forwarded = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void sleep(o.delayMs).then(() => {
        const upstream = request(
          { host: '127.0.0.1', port: o.targetPort, method: req.method, path: req.url, headers: req.headers },
          (up) => {
            forwarded++;
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    forwarded: () => forwarded,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
