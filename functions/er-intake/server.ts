/**
 * Local intake API server (`npm start` runs it): the same Hono app as the Lambda on a fixed port.
 * `tsx functions/er-intake/server.ts --port 4100`
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { registerTracing } from '../core/telemetry/tracing.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

const tracing = registerTracing('graphgate-intake-api');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4100' } } });
const port = Number(values.port);
const app = createIntakeRuntime(loadApiConfig());
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_INTAKE_READY http://127.0.0.1:${port}/intake`),
);
const shutdown = () => server.close(() => void tracing.shutdown().finally(() => process.exit(0)));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
