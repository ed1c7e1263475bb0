/**
 * The adjudication site as one origin: the built page under /review/, `/graphql` to the edge and `/stepup/*` to the
 * step-up service — the path routing CloudFront gives in AWS, so the page calls both from its own origin and the
 * passkey's origin is the page's. Used by the local server (npm start) and the browser tests.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { reviewBasePath } from './build.js';

export interface ReviewSiteDeps {
  /** The built page (buildReviewPage's outDir). */
  distDir: string;
  /** Handles `POST /graphql` (the edge). */
  edge: (req: Request) => Response | Promise<Response>;
  /** Handles `/stepup/*` (the step-up service). */
  stepUp: (req: Request) => Response | Promise<Response>;
}

/** The page's Content-Security-Policy: its own bundle only, calls only to its own origin, never framed. */
export const reviewCsp = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

export function createReviewSite(deps: ReviewSiteDeps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.post('/graphql', (c) => deps.edge(c.req.raw));
  app.all('/stepup/*', (c) => deps.stepUp(c.req.raw));
  const base = reviewBasePath.replace(/\/$/, '');
  app.get(base, (c) => c.redirect(reviewBasePath));
  app.use(
    `${base}/*`,
    secureHeaders({ contentSecurityPolicy: reviewCsp, xFrameOptions: 'DENY', referrerPolicy: 'no-referrer' }),
  );
  app.get(
    `${base}/*`,
    serveStatic({ root: deps.distDir, rewriteRequestPath: (p) => p.slice(base.length) || '/', index: 'index.html' }),
  );
  return app;
}
