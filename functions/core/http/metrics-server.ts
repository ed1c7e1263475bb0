/**
 * The internal metrics listener of the local Node servers (origin, edge, ER worker): Prometheus text on its own port,
 * bound to loopback, so the public port never exposes counters of every tenant's traffic. In AWS the same numbers
 * leave as CloudWatch EMF; nothing serves them over HTTP.
 */
import { createServer, type Server } from 'node:http';

/** The exposition a metrics registry renders. */
export interface MetricsText {
  contentType: string;
  body: string;
}

/**
 * Serves `GET /metrics` and `GET /healthz` on `127.0.0.1:port`; resolves once it listens.
 * @example await serveMetrics(Number(process.env.METRICS_PORT), async () => ({ contentType, body: await reg.metrics() }));
 */
export function serveMetrics(port: number, render: () => Promise<MetricsText> | MetricsText): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      try {
        const { contentType, body } = await render();
        res.writeHead(200, { 'content-type': contentType }).end(body);
      } catch {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      }
    } else if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics and /healthz are served here\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** `METRICS_PORT` as a port number, or undefined when unset or 0 (no metrics listener). Throws on anything else. */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.METRICS_PORT;
  if (raw === undefined || raw === '' || raw === '0') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`METRICS_PORT must be a port number, not ${raw}`);
  return port;
}
