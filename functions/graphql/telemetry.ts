import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { Counter, Histogram, Registry } from 'prom-client';
import type { GraphRepository } from '../core/graph/types.js';

/** Tracer of the origin; without an SDK registered (tests, local) the API is a cheap no-op. */
export const tracer = trace.getTracer('graphgate-origin');

/** RED metrics of the origin, served at /metrics by the local server (Prometheus text format). */
export function createOriginMetrics(registry = new Registry()) {
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
      registers: [registry],
    }),
    cypher: new Histogram({
      name: 'graphgate_origin_cypher_duration_seconds',
      help: 'Graph repository call duration by method',
      labelNames: ['method', 'outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
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
        const end = metrics.cypher.startTimer({ method });
        return inSpan(`graph.${method}`, { 'graphgate.tenant': tenant, 'graphgate.operation': operation }, () =>
          (value as (...a: unknown[]) => Promise<unknown>).call(target, tenant, ...rest),
        ).then(
          (r) => {
            end({ outcome: 'ok' });
            return r;
          },
          (err) => {
            end({ outcome: 'error' });
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

/** A span per GraphQL execution (the request inside the origin), with tenant, operation and outcome. */
export const requestSpanPlugin = {
  onExecute({ args }: { args: { contextValue: unknown } }) {
    const ctx = args.contextValue as { tenant?: string; operation?: { name: string } };
    const span = tracer.startSpan('graphql.request', {
      attributes: { 'graphgate.tenant': ctx.tenant ?? '', 'graphgate.operation': ctx.operation?.name ?? 'arbitrary' },
    });
    return {
      onExecuteDone({ result }: { result: unknown }) {
        const errors = (result as { errors?: unknown[] }).errors;
        if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  },
};
