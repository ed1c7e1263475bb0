/**
 * The step-up HTTP surface (Hono on web standards, so the Lambda and the local server run the same app): the four
 * ceremony routes behind the same JWT as the edge, and the minimal page that drives them in a browser.
 */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Verify } from '../core/auth/index.js';
import {
  errorResponse,
  HttpError,
  parseJsonRequest,
  readCappedText,
  requireJsonMediaType,
} from '../core/http/index.js';
import { requireSession, StepUpError, type StepUpService } from '../core/stepup/index.js';
import { traceRequests } from '../core/telemetry/http-span.js';
import { pageCsp, stepUpPage } from './page.js';

export interface StepUpAppDeps {
  service: StepUpService;
  /** The shared JWT verifier (`createVerifier` from core/auth). */
  verify: Verify;
  /** The bundled browser script for `GET /stepup/page.js`; without it the page is not served (Lambda). */
  pageScript?: () => Promise<string>;
}

const maxBodyBytes = 32 * 1024;

async function jsonBody(req: Request): Promise<unknown> {
  const text = await readCappedText(req, maxBodyBytes);
  if (text.length === 0) return {};
  requireJsonMediaType(req.headers);
  return parseJsonRequest(text);
}

/** Builds the app. Errors are mapped to the shared JSON error body in `onError` only. */
export function createStepUpApp(deps: StepUpAppDeps) {
  const app = new Hono();
  const s = deps.service;
  // Every response, the page above all: a strict CSP, never framed (clickjacking a passkey prompt), no referrer.
  app.use('*', traceRequests());
  app.use('*', secureHeaders({ contentSecurityPolicy: pageCsp, xFrameOptions: 'DENY', referrerPolicy: 'no-referrer' }));

  app.onError((err) => {
    if (err instanceof StepUpError) {
      return errorResponse(new HttpError(err.status, err.code, err.message, { 'cache-control': 'no-store' }));
    }
    return errorResponse(err);
  });
  app.notFound(() =>
    errorResponse(new HttpError(404, 'NOT_FOUND', 'no such route; the step-up routes live under /stepup')),
  );

  const caller = async (req: Request) =>
    requireSession(await deps.verify(req.headers.get('authorization') ?? undefined));

  app.post('/stepup/register/options', async (c) => c.json(await s.registrationOptions(await caller(c.req.raw))));
  app.post('/stepup/register/verify', async (c) =>
    c.json(await s.verifyRegistration(await caller(c.req.raw), await jsonBody(c.req.raw))),
  );
  app.post('/stepup/authenticate/options', async (c) =>
    c.json(await s.authenticationOptions(await caller(c.req.raw), await jsonBody(c.req.raw))),
  );
  app.post('/stepup/authenticate/verify', async (c) => {
    const issued = await s.verifyAuthentication(await caller(c.req.raw), await jsonBody(c.req.raw));
    return c.json(issued, 200, { 'cache-control': 'no-store' });
  });

  if (deps.pageScript) {
    const script = deps.pageScript;
    app.get('/stepup', (c) => c.html(stepUpPage()));
    app.get('/stepup/page.js', async (c) =>
      c.body(await script(), 200, { 'content-type': 'text/javascript; charset=utf-8' }),
    );
  }
  return app;
}
