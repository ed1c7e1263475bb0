import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { proxyHandler, requestFromEvent } from './apigw.js';

const event = (over: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/graphql',
    rawQueryString: 'a=1',
    headers: { 'content-type': 'application/json', 'x-gg-tenant': 'acme' },
    requestContext: { domainName: 'abc.lambda-url.eu-west-1.on.aws', http: { method: 'POST' } },
    body: '{"x":1}',
    isBase64Encoded: false,
    ...over,
  }) as unknown as APIGatewayProxyEventV2;

describe('API Gateway v2 ↔ fetch', () => {
  it('turns the event into the request it describes, decoding base64 bodies', async () => {
    const plain = requestFromEvent(event());
    const b64 = requestFromEvent(event({ body: Buffer.from('{"y":2}').toString('base64'), isBase64Encoded: true }));
    expect(plain.url).toBe('https://abc.lambda-url.eu-west-1.on.aws/graphql?a=1');
    expect(plain.headers.get('x-gg-tenant')).toBe('acme');
    expect(await plain.text()).toBe('{"x":1}');
    expect(await b64.text()).toBe('{"y":2}');
  });

  it('drops a body on GET and maps the response back with status and headers', async () => {
    const handler = proxyHandler(
      Promise.resolve(
        async (req: Request) =>
          new Response(`${req.method}:${await req.text()}`, { status: 418, headers: { 'x-a': 'b' } }),
      ),
    );
    const result = (await handler(
      event({ requestContext: { domainName: 'd', http: { method: 'GET' } } } as never),
    )) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(result).toMatchObject({ statusCode: 418, body: 'GET:' });
    expect(result.headers['x-a']).toBe('b');
  });

  it('answers an event-stream request with 400 STREAMING_UNAVAILABLE at once instead of calling the buffered handler', async () => {
    let called = false;
    const handler = proxyHandler(
      Promise.resolve(async () => {
        called = true;
        return new Response('never');
      }),
    );
    const result = (await handler(
      event({ headers: { accept: 'text/event-stream', 'content-type': 'application/json' } }),
    )) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'STREAMING_UNAVAILABLE' });
    expect(called).toBe(false);
  });
});
