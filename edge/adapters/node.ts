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

// First: the SDK (OTLP to OTEL_EXPORTER_OTLP_ENDPOINT) must be in place before the app creates any span.
const tracing = registerTracing('graphgate-edge');
const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' } } });
const file = process.env.EDGE_CONFIG_FILE;
if (!file) throw new Error('EDGE_CONFIG_FILE must point to the edge configuration JSON');
const config = parseEdgeConfig(JSON.parse(readFileSync(file, 'utf8')));
const policy = await loadWasmPolicyEngine(process.env.POLICY_BUNDLE_DIR);
const { app, metrics } = buildEdge(config, policy, (work) => {
  void work.catch(() => undefined);
});
app.get('/healthz', (c) => c.json({ ok: true }));
const metricsPort = metricsPortFromEnv();
const metricsServer = metricsPort
  ? await serveMetrics(metricsPort, () => ({ contentType: 'text/plain; version=0.0.4', body: metrics.prometheus() }))
  : undefined;

const port = Number(values.port);
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_EDGE_READY http://127.0.0.1:${port}/graphql`),
);
const shutdown = () => {
  metricsServer?.close();
  server.close(() => void tracing.shutdown().finally(() => process.exit(0)));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
