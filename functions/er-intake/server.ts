/**
 * Local intake API server (`npm start` runs it): the same Hono app as the Lambda on a fixed port; Prometheus /metrics
 * (`graphgate_intake_requests_total{outcome}`, read by the ingest SLO's PrometheusRule) on the internal METRICS_PORT.
 * `tsx functions/er-intake/server.ts --port 4100`
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { metricsPortFromEnv, serveMetrics } from '../core/http/metrics-server.js';
import { registerTracing } from '../core/telemetry/tracing.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';
import { promIntakeRequests } from './metrics.js';

const tracing = registerTracing('graphgate-intake-api');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4100' } } });
const port = Number(values.port);
const { registry, count } = promIntakeRequests();
const app = createIntakeRuntime(loadApiConfig(), count);
const metricsPort = metricsPortFromEnv();
const metricsServer = metricsPort
  ? await serveMetrics(metricsPort, async () => ({ contentType: registry.contentType, body: await registry.metrics() }))
  : undefined;
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_INTAKE_READY http://127.0.0.1:${port}/intake`),
);
const shutdown = () => {
  metricsServer?.close();
  server.close(() => void tracing.shutdown().finally(() => process.exit(0)));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
