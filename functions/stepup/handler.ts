/** Step-up Lambda (function URL / API Gateway v2): the ceremony routes, no page. */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { loadStepUpConfig } from './config.js';
import { createStepUpRuntime } from './runtime.js';

// Once per container: secrets into the environment, then the typed config (a bad variable fails the cold start).
const app = resolveSecretEnv().then(() => createStepUpRuntime(loadStepUpConfig()));

/** API Gateway v2 event → fetch Request → the Hono app → proxy result. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  const method = event.requestContext.http.method;
  const body =
    event.body === undefined || method === 'GET' || method === 'HEAD'
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : event.body;
  const url = `https://${event.requestContext.domainName}${event.rawPath}${query}`;
  const response = await (await app).fetch(new Request(url, { method, headers, body }));
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
    isBase64Encoded: false,
  };
}
