/**
 * The server span of a public Hono app (the edge, the intake API): one per request, the root of the trace that the
 * origin, Neo4j and ER-worker spans join (the edge's origin client and the intake's enqueue send the context on). A
 * client's own `traceparent` is not continued: these are public doors, and a caller choosing our trace ids (or forcing
 * every trace to be kept) is not something to allow. Web-standard (@opentelemetry/api only): the SDK is registered by
 * the runtime adapter that has one (Node, Lambda); elsewhere the API is a no-op.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';

const tracer = trace.getTracer('graphgate-http');

/** Hono middleware: a SERVER span around the request, ERROR for a 5xx answer (what tail sampling keeps). */
export function traceRequests(): MiddlewareHandler {
  return async function traceRequest(c, next) {
    const method = c.req.method;
    const route = new URL(c.req.url).pathname;
    await tracer.startActiveSpan(
      `${method} ${route}`,
      { kind: SpanKind.SERVER, root: true, attributes: { 'http.request.method': method, 'http.route': route } },
      async (span) => {
        try {
          await next();
          const status = c.res.status;
          span.setAttribute('http.response.status_code', status);
          const cache = c.res.headers.get('x-cache');
          if (cache) span.setAttribute('graphgate.cache', cache);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        } finally {
          span.end();
        }
      },
    );
  };
}
