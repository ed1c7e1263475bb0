/**
 * Local step-up server (`npm start` runs it): the same Hono app as the Lambda plus the page, and `/graphql` passed
 * through to the edge so the page calls the edge from its own origin — what CloudFront's path routing does in AWS.
 * `tsx functions/stepup/server.ts --port 4300` with EDGE_URL=http://127.0.0.1:8787/graphql
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { forwardedHeaders } from '../core/signing/forwarded-headers.js';
import { registerTracing } from '../core/telemetry/tracing.js';
import { loadStepUpConfig } from './config.js';
import { createStepUpRuntime } from './runtime.js';

registerTracing('graphgate-stepup');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4300' } } });
const port = Number(values.port);
const edgeUrl = process.env.EDGE_URL;
if (!edgeUrl) throw new Error('EDGE_URL is required (the local edge /graphql the page calls through this server)');

const app = new Hono();
app.get('/healthz', (c) => c.json({ ok: true }));
app.post('/graphql', async (c) => {
  const headers = new Headers();
  for (const h of ['authorization', 'content-type', ...forwardedHeaders]) {
    const v = c.req.header(h);
    if (v) headers.set(h, v);
  }
  // Streamed, never buffered here: the edge reads it under its own cap and answers 413 past it.
  const init = { method: 'POST', headers, body: c.req.raw.body, duplex: 'half' };
  const res = await fetch(edgeUrl, init as RequestInit);
  return new Response(res.body, { status: res.status, headers: res.headers });
});
app.route('/', createStepUpRuntime(loadStepUpConfig(), { page: true }));

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_STEPUP_READY http://localhost:${port}/stepup`),
);
const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
