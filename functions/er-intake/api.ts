/**
 * Intake API Lambda (API Gateway HTTP API v2 → POST /intake). A thin adapter: proxy event → fetch Request → the
 * shared Hono app (app.ts, where the choice of an own function over an edge route is explained) → proxy result.
 */
import { resolveSecretEnv } from '../core/config/secrets.js';
import { proxyHandler } from '../core/http/apigw.js';
import { flushingTraces, registerTracing } from '../core/telemetry/tracing.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

/** API Gateway v2 handler; the app is built once per container, after secrets are in the environment. */
const tracing = registerTracing('graphgate-intake-api');

export const handler = flushingTraces(
  tracing,
  proxyHandler(
    resolveSecretEnv()
      .then(() => createIntakeRuntime(loadApiConfig()))
      .then((app) => (request: Request) => app.fetch(request)),
  ),
);
