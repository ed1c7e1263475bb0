/** Step-up Lambda (function URL / API Gateway v2): the ceremony routes, no page. */
import { resolveSecretEnv } from '../core/config/secrets.js';
import { proxyHandler } from '../core/http/apigw.js';
import { flushingTraces, registerTracing } from '../core/telemetry/tracing.js';
import { loadStepUpConfig } from './config.js';
import { createStepUpRuntime } from './runtime.js';

// Once per container: secrets into the environment, then the typed config (a bad variable fails the cold start).
export const handler = flushingTraces(
  registerTracing('graphgate-stepup'),
  proxyHandler(
    resolveSecretEnv()
      .then(() => createStepUpRuntime(loadStepUpConfig()))
      .then((app) => (request: Request) => app.fetch(request)),
  ),
);
