import { resolveSecretEnv } from '../core/config/secrets.js';
import { proxyHandler } from '../core/http/apigw.js';
import { flushingTraces, registerTracing } from '../core/telemetry/tracing.js';
import { loadOriginConfig } from './config.js';
import { createOriginRuntime } from './runtime.js';

/**
 * API Gateway v2 / function URL handler of the origin: event → fetch Request → yoga → proxy result. Built once per
 * container: secrets referenced as `<NAME>_SECRET_REF` are resolved first (a variable already set wins), then a bad
 * configuration fails the cold start with the variable's name.
 */
const tracing = registerTracing('graphgate-origin');

export const handler = flushingTraces(
  tracing,
  proxyHandler(
    resolveSecretEnv()
      .then(() => createOriginRuntime(loadOriginConfig()))
      .then(
        ({ yoga }) =>
          (request: Request) =>
            yoga.fetch(request),
      ),
  ),
);
