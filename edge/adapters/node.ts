/**
 * Node adapter (`npm start` runs it): @hono/node-server on a fixed port, config from EDGE_CONFIG_FILE (written by the
 * supervisor), /healthz besides /graphql; Prometheus /metrics only on the internal METRICS_PORT (loopback), never on
 * the public port. Node keeps running after a response, so stale-while-revalidate refreshes run in the background.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { metricsPortFromEnv, serveMetrics } from '../../functions/core/http/metrics-server.js';
import { loadWasmPolicyEngine } from '../../functions/core/policy/index.js';
import { registerTracing } from '../../functions/core/telemetry/tracing.js';
import { parseEdgeConfig } from '../config.js';
import { buildEdge } from './runtime.js';
import { undiciRequester } from './upstash-undici.js';

// First: the SDK (OTLP to OTEL_EXPORTER_OTLP_ENDPOINT) must be in place before the app creates any span.
const tracing = registerTracing('graphgate-edge');
const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' } } });
const file = process.env.EDGE_CONFIG_FILE;
if (!file) throw new Error('EDGE_CONFIG_FILE must point to the edge configuration JSON');
const config = parseEdgeConfig(JSON.parse(readFileSync(file, 'utf8')));
const policy = await loadWasmPolicyEngine(process.env.POLICY_BUNDLE_DIR);
const upstash = undiciRequester({ url: config.upstash.url, token: config.upstash.token });
const { app, metrics } = buildEdge(
  config,
  policy,
  (work) => {
    void work.catch(() => undefined);
  },
  { upstash },
);
app.get('/healthz', (c) => c.json({ ok: true }));
const metricsPort = metricsPortFromEnv();
const metricsServer = metricsPort
  ? await serveMetrics(metricsPort, () => ({ contentType: 'text/plain; version=0.0.4', body: metrics.prometheus() }))
  : undefined;

const port = Number(values.port);
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_EDGE_READY http://127.0.0.1:${port}/graphql`),
);
// Keep idle client connections longer than a load balancer or client pool would (Node's default of 5 s closes
// sockets clients still count as open: resets under steady load); headers timeout must exceed it.
if ('keepAliveTimeout' in server) {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
const shutdown = () => {
  metricsServer?.close();
  server.close(() => void Promise.all([tracing.shutdown(), upstash.close()]).finally(() => process.exit(0)));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
