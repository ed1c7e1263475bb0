import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { resolveSecretEnv } from '../core/config/secrets.js';
import { loadOriginConfig } from './config.js';
import { createOriginRuntime } from './runtime.js';

// Built once per container: secrets referenced as `<NAME>_SECRET_REF` are resolved first (a variable already set wins),
// then a bad configuration fails the cold start with the variable's name.
const runtime = resolveSecretEnv().then(() => createOriginRuntime(loadOriginConfig()));

/** API Gateway v2 / function URL event → fetch Request, through yoga, back to a proxy result. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const { yoga } = await runtime;
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
  const response = await yoga.fetch(new Request(url, { method, headers, body }));
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
    isBase64Encoded: false,
  };
}
