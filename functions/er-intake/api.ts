/**
 * Intake API Lambda (API Gateway HTTP API v2 → POST /intake). A thin adapter: proxy event → fetch Request → the
 * shared Hono app (app.ts, where the choice of an own function over an edge route is explained) → proxy result.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { createIntakeRuntime } from './api-runtime.js';
import { loadApiConfig } from './config.js';

const app = resolveSecretEnv().then(() => createIntakeRuntime(loadApiConfig()));

/** API Gateway v2 handler. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const url = `https://${event.requestContext.domainName}${event.rawPath}${query}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  const method = event.requestContext.http.method;
  const body =
    event.body === undefined || method === 'GET' || method === 'HEAD'
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : event.body;
  const response = await (await app).fetch(new Request(url, { method, headers, body }));
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
    isBase64Encoded: false,
  };
}
