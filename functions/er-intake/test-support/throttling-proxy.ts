/**
 * A DynamoDB endpoint that throttles: an HTTP proxy in front of the twin's dynalite that answers every `every`-th
 * request with 400 ProvisionedThroughputExceededException (what DynamoDB answers when a partition is over its
 * throughput) and forwards the rest unchanged. Counts what it throttled per operation (X-Amz-Target).
 *
 * `delayMs` holds chosen requests back before forwarding them (a slow, retrying store as a Lambda sees it), so a test
 * can make a receive outlive its idempotency lock and the queue's visibility timeout.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../../../infra/local/process.js';

export interface ThrottlingProxy {
  url: string;
  throttled: Record<string, number>;
  forwarded: number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** How long to hold a request back (0: not at all), from its operation and JSON body. @default none */
  delayMs?: (operation: string, body: Record<string, unknown>) => number;
}

/** Starts the proxy on a free 127.0.0.1 port in front of `target`; `every` ≤ 0 throttles nothing. */
export async function throttlingProxy(target: string, every = 3, options: ProxyOptions = {}): Promise<ThrottlingProxy> {
  const state = { n: 0, forwarded: 0, throttled: {} as Record<string, number> };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const op = String(req.headers['x-amz-target'] ?? 'unknown')
      .split('.')
      .pop()!;
    if (every > 0 && ++state.n % every === 0) {
      state.throttled[op] = (state.throttled[op] ?? 0) + 1;
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `throttle-${state.n}` });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        }),
      );
      return;
    }
    const delay = options.delayMs?.(op, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    if (delay) await new Promise((r) => setTimeout(r, delay));
    state.forwarded++;
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length'),
    ) as Record<string, string>;
    const upstream = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    throttled: state.throttled,
    get forwarded() {
      return state.forwarded;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
