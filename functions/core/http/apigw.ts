/**
 * API Gateway HTTP API (v2) and Lambda function URL events ↔ web-standard Request/Response, so every HTTP Lambda is
 * a fetch handler (yoga, Hono) behind a three-line adapter. Only types come from aws-lambda; the domain code in
 * functions/core never sees them.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { errorResponse, HttpError } from './errors.js';

/** The proxy event as the fetch Request it describes (binary bodies arrive base64-encoded). */
export function requestFromEvent(event: APIGatewayProxyEventV2): Request {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const url = `https://${event.requestContext.domainName}${event.rawPath}${query}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k, v);
  const method = event.requestContext.http.method;
  const hasBody = event.body !== undefined && method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? (event.isBase64Encoded ? Buffer.from(event.body!, 'base64') : event.body) : undefined;
  return new Request(url, { method, headers, body });
}

/** A fetch Response as the proxy result (text bodies: every graphgate HTTP function answers JSON or HTML). */
export async function resultFromResponse(response: Response): Promise<APIGatewayProxyResultV2> {
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
    isBase64Encoded: false,
  };
}

/**
 * Wraps a fetch handler that is built once per container (after secrets are resolved) as a v2 proxy handler.
 * @example export const handler = proxyHandler(runtime.then((r) => (req) => r.yoga.fetch(req)));
 */
export function proxyHandler(ready: Promise<(request: Request) => Promise<Response> | Response>) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    const request = requestFromEvent(event);
    // A buffered answer cannot stream: a subscription would poll until the function times out, then fail as a 5xx.
    if (request.headers.get('accept')?.includes('text/event-stream')) return resultFromResponse(noStreaming());
    return resultFromResponse(await (await ready)(request));
  };
}

const noStreaming = () =>
  errorResponse(
    new HttpError(
      400,
      'STREAMING_UNAVAILABLE',
      'this function answers buffered and cannot stream an event stream; poll the query instead',
    ),
  );
