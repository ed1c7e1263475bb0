/**
 * Local origin server (`npm start` runs it): the same yoga app as the Lambda, on a fixed port, with /healthz; Prometheus
 * /metrics only on the internal METRICS_PORT (loopback), never on the port the edge calls.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { metricsPortFromEnv, serveMetrics } from '../core/http/metrics-server.js';
import { registerTracing } from '../core/telemetry/tracing.js';
import { loadOriginConfig } from './config.js';
import { createOriginRuntime } from './runtime.js';

const tracing = registerTracing('graphgate-origin');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' } } });
const port = Number(values.port);
const runtime = await createOriginRuntime(loadOriginConfig(), { migrate: true, signals: 'prometheus' });

const metricsPort = metricsPortFromEnv();
const registry = runtime.metrics.registry;
const metricsServer = metricsPort
  ? await serveMetrics(metricsPort, async () => ({ contentType: registry.contentType, body: await registry.metrics() }))
  : undefined;

const server = createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  return runtime.yoga(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`GRAPHGATE_ORIGIN_READY http://127.0.0.1:${port}/graphql`));

const shutdown = async () => {
  metricsServer?.close();
  server.close();
  await runtime.close();
  await tracing.shutdown().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
