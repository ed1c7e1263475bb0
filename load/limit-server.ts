/**
 * The edge benchmark's baseline: a bare Hono route on the Node adapter that does one raw @upstash/redis GET of the
 * cached entry through the same Upstash-REST endpoint and returns its body. No JWT, no rate limit, no manifest:
 * the floor under the edge's hit path on this machine. The key comes with each request (`x-bench-key`), so the floor
 * reads the same spread of keys the edge does.
 *   tsx load/limit-server.ts --port N   (UPSTASH_URL, UPSTASH_TOKEN)
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Redis } from '@upstash/redis';
import { Hono } from 'hono';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const redis = new Redis({ url: process.env.UPSTASH_URL!, token: process.env.UPSTASH_TOKEN! });
const app = new Hono();
app.post('/graphql', async (c) => {
  const entry = await redis.get<{ body: string }>(c.req.header('x-bench-key') ?? '');
  return entry ? c.body(entry.body, 200, { 'content-type': 'application/json' }) : c.json({ miss: true }, 404);
});
app.get('/healthz', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(values.port), hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_LIMIT_READY http://127.0.0.1:${values.port}`),
);
process.on('SIGTERM', () => process.exit(0));
