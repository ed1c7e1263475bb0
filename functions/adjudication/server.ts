/**
 * Local adjudication server (`npm start` runs it): builds the page, then serves it under /review/ with `/graphql`
 * passed to the edge and `/stepup/*` to the step-up server, as CloudFront routes them in AWS.
 * `tsx functions/adjudication/server.ts --port 4400` with EDGE_URL, STEPUP_URL and REVIEW_DIST_DIR.
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { forwardedHeaders } from '../core/signing/forwarded-headers.js';
import { buildReviewPage } from './build.js';
import { createReviewSite } from './site.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4400' } } });
const port = Number(values.port);
const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required (see the header of functions/adjudication/server.ts)`);
  return v;
};
const edgeUrl = need('EDGE_URL');
const stepUpUrl = need('STEPUP_URL').replace(/\/$/, '');
const distDir = need('REVIEW_DIST_DIR');

/**
 * Passes a request on to `target`, streamed both ways (the edge reads the body under its own cap; a live review
 * stream comes back as it is written), with only the headers it needs.
 */
async function pass(req: Request, target: string): Promise<Response> {
  const headers = new Headers();
  for (const h of ['authorization', 'content-type', 'accept', ...forwardedHeaders]) {
    const v = req.headers.get(h);
    if (v) headers.set(h, v);
  }
  // The client's signal goes along: a live review stream the page closed ends at the edge and frees its slot.
  const init = { method: req.method, headers, body: req.body, duplex: 'half', signal: req.signal };
  const res = await fetch(target, init as RequestInit);
  return new Response(res.body, { status: res.status, headers: res.headers });
}

const started = Date.now();
await buildReviewPage(distDir);
console.log(`review page built in ${((Date.now() - started) / 1000).toFixed(1)} s into ${distDir}`);
const app = createReviewSite({
  distDir,
  edge: (req) => pass(req, edgeUrl),
  stepUp: (req) => pass(req, `${stepUpUrl}${new URL(req.url).pathname}`),
});
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  console.log(`GRAPHGATE_REVIEW_READY http://localhost:${port}/review/`),
);
const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
