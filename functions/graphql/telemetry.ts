import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram } from 'prom-client';
import type { GraphRepository } from '../core/graph/types.js';
import { openMetricsRegistry, traceExemplar } from '../core/telemetry/exemplars.js';
import { contextFromHeaders } from '../core/telemetry/propagation.js';

/** Tracer of the origin; without an SDK registered (tests, local) the API is a cheap no-op. */
export const tracer = trace.getTracer('graphgate-origin');

/**
 * RED metrics of the origin, served at /metrics by the local server in the OpenMetrics format, so the latency
 * histograms can carry exemplars: the trace id of a request that landed in a bucket (a slow bucket links to a trace).
 */
export function createOriginMetrics(registry = openMetricsRegistry()) {
  return {
    registry,
    requests: new Counter({
      name: 'graphgate_origin_requests_total',
      help: 'GraphQL requests by operation and outcome',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'graphgate_origin_request_duration_seconds',
      help: 'GraphQL request duration by operation',
      labelNames: ['operation', 'outcome'] as const,
      // 0.35 and 0.9 are the SLO thresholds (p95 ≤ 350 ms, p99 ≤ 900 ms) the PrometheusRule counts against.
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.35, 0.5, 0.9, 1, 2.5],
      enableExemplars: true,
      registers: [registry],
    }),
    cypher: new Histogram({
      name: 'graphgate_origin_cypher_duration_seconds',
      help: 'Graph repository call duration by method',
      labelNames: ['method', 'outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      enableExemplars: true,
      registers: [registry],
    }),
  };
}
export type OriginMetrics = ReturnType<typeof createOriginMetrics>;

async function inSpan<T>(name: string, attributes: Record<string, string>, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Wraps a repository so every call (one Cypher transaction) gets a span with tenant and operation attributes and a
 * duration sample.
 */
export function tracedRepository(repo: GraphRepository, metrics: OriginMetrics, operation: string): GraphRepository {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = String(prop);
      return (tenant: string, ...rest: unknown[]) => {
        const started = performance.now();
        const observe = (outcome: string) =>
          metrics.cypher.observe({
            labels: { method, outcome },
            value: (performance.now() - started) / 1000,
            exemplarLabels: traceExemplar(),
          });
        return inSpan(`graph.${method}`, { 'graphgate.tenant': tenant, 'graphgate.operation': operation }, (span) => {
          span.setAttribute('db.system.name', 'neo4j');
          return (value as (...a: unknown[]) => Promise<unknown>).call(target, tenant, ...rest);
        }).then(
          (r) => {
            observe('ok');
            return r;
          },
          (err) => {
            observe('error');
            throw err;
          },
        );
      };
    },
  });
}

export { inSpan };

type Resolver = (
  parent: unknown,
  args: unknown,
  ctx: { tenant: string; operation?: { name: string } },
  info: unknown,
) => unknown;

/**
 * Wraps every Query/Mutation resolver in a span `resolve Type.field` carrying tenant and operation, so a trace shows
 * request → resolver → each Cypher call (the repository spans) as one tree.
 */
export function tracedResolvers<T extends Record<string, unknown>>(resolvers: T): T {
  const out: Record<string, unknown> = { ...resolvers };
  for (const type of ['Query', 'Mutation'] as const) {
    const fields = resolvers[type] as Record<string, Resolver> | undefined;
    if (!fields) continue;
    out[type] = Object.fromEntries(
      Object.entries(fields).map(([name, fn]) => [
        name,
        (parent: unknown, args: unknown, ctx: Parameters<Resolver>[2], info: unknown) =>
          inSpan(
            `resolve ${type}.${name}`,
            { 'graphgate.tenant': ctx.tenant, 'graphgate.operation': ctx.operation?.name ?? 'arbitrary' },
            async () => fn(parent, args, ctx, info),
          ),
      ]),
    );
  }
  return out as T;
}

/**
 * Whether a GraphQL error is a server fault (what tail sampling must keep): no stable code of its own, or the masked
 * INTERNAL_SERVER_ERROR. Coded client errors (BAD_USER_INPUT, POLICY_DENIED, …) are answers, not faults.
 */
function isUnexpected(error: unknown): boolean {
  const e = error as { extensions?: { code?: unknown }; originalError?: { code?: unknown } };
  const code = e.extensions?.code ?? e.originalError?.code;
  return typeof code !== 'string' || code === 'INTERNAL_SERVER_ERROR';
}

/**
 * The origin's spans around yoga: a SERVER span per request that continues the trace context the edge sent (the
 * signature covers it; a forged one fails the door before anything runs), so resolver and Neo4j spans are children of
 * the edge's span; a `graphql.execute` span per execution, ERROR when the result carries errors.
 */
export function originTracingPlugin(): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const parent = contextFromHeaders(request.headers);
        const span = tracer.startSpan(
          `${request.method} ${new URL(request.url).pathname}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
          parent,
        );
        return context.with(trace.setSpan(parent, span), async () => {
          try {
            await wrapped();
          } catch (err) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        });
      },
    },
    onResponse({ response }) {
      const span = trace.getActiveSpan();
      span?.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
    },
    onExecute({ args }) {
      const ctx = args.contextValue as { tenant?: string; operation?: { name: string } };
      const span = tracer.startSpan('graphql.execute', {
        attributes: { 'graphgate.tenant': ctx.tenant ?? '', 'graphgate.operation': ctx.operation?.name ?? 'arbitrary' },
      });
      return {
        onExecuteDone({ result }) {
          const errors = (result as { errors?: readonly unknown[] }).errors ?? [];
          if (errors.some(isUnexpected)) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
  };
}
