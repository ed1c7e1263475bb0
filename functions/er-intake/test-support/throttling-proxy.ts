/**
 * A DynamoDB endpoint that throttles: an HTTP proxy in front of the twin's dynalite that answers every `every`-th
 * request with 400 ProvisionedThroughputExceededException (what DynamoDB answers when a partition is over its
 * throughput) and forwards the rest unchanged. Counts what it throttled per operation (X-Amz-Target).
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../../../infra/local/process.js';

export interface ThrottlingProxy {
  url: string;
  throttled: Record<string, number>;
  forwarded: number;
  close(): Promise<void>;
}

/** Starts the proxy on a free 127.0.0.1 port in front of `target`. */
export async function throttlingProxy(target: string, every = 3): Promise<ThrottlingProxy> {
  const state = { n: 0, forwarded: 0, throttled: {} as Record<string, number> };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const op = String(req.headers['x-amz-target'] ?? 'unknown')
      .split('.')
      .pop()!;
    if (++state.n % every === 0) {
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
