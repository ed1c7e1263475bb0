/**
 * Registers the OpenTelemetry SDK for one process (a Lambda container, a local server): a Node tracer provider with the
 * AsyncLocalStorage context manager and the W3C trace-context propagator, exporting OTLP/HTTP (protobuf) to the
 * collector named by `OTEL_EXPORTER_OTLP_ENDPOINT`. Every span is recorded (head sampling is always on); the
 * collector decides what to keep after a trace is complete (tail sampling, infra/otel/collector.yaml), so an error or
 * a slow request is never lost to a coin flipped at its first span.
 *
 * Without an endpoint the provider is still registered: trace ids still exist and propagate (the audit ledger and the
 * exemplars carry them), nothing is exported.
 */
import { DiagLogLevel, diag, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Exports every finished span now; a Lambda calls it before its invocation returns (a frozen container sends nothing). */
  flush(): Promise<void>;
  /** Flushes and stops the provider (process shutdown). */
  shutdown(): Promise<void>;
}

let registered: Tracing | undefined;

/** The OTLP endpoint of the environment, or undefined (the standard variables of the OpenTelemetry spec). */
export function otlpEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

/**
 * Registers the SDK once per process under `service` (`service.name`); later calls return the first registration.
 * @example const tracing = registerTracing('graphgate-origin'); … await tracing.flush();
 */
export function registerTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (registered) return registered;
  const endpoint = otlpEndpointFromEnv(env);
  const spanProcessors: SpanProcessor[] = [];
  if (endpoint) {
    // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself (and appends /v1/traces to the generic one).
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ timeoutMillis: 5_000 }), {
        maxQueueSize: 8_192,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 500,
      }),
    );
    diag.setLogger({ ...console, verbose: () => undefined, debug: () => undefined }, DiagLogLevel.WARN);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: service,
      [ATTR_SERVICE_VERSION]: env.GRAPHGATE_VERSION ?? '0.1.0',
      'deployment.environment.name': env.GRAPHGATE_STAGE ?? 'local',
    }),
    spanProcessors,
  });
  provider.register();
  registered = {
    exporting: spanProcessors.length > 0,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return registered;
}

/**
 * The longest an invocation waits for its spans to be exported before it returns. A slow or unreachable collector
 * must not hold a response (the origin's read p95 target is 350 ms): what is not out by then stays queued in the
 * batch processor and leaves with a later invocation, or is dropped when the queue is full.
 */
export const traceFlushBudgetMs = 200;

/**
 * Wraps a Lambda handler so the spans of each invocation are exported before it returns (and also when it throws),
 * waiting at most `budgetMs` for the export.
 * @example export const handler = flushingTraces(tracing, async (event) => …);
 */
export function flushingTraces<A extends unknown[], R>(
  tracing: Tracing,
  handler: (...args: A) => Promise<R>,
  budgetMs = traceFlushBudgetMs,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } finally {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const budget = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, budgetMs);
      });
      await Promise.race([tracing.flush().catch(() => undefined), budget]);
      clearTimeout(timer);
    }
  };
}

/**
 * A Lambda handler that is not an HTTP request (a schedule, a manual invocation) as one root span, exported before it
 * returns; a throw marks the span ERROR. Ledger entries it appends carry the span's trace id.
 */
export function tracedInvocation<A extends unknown[], R>(
  tracing: Tracing,
  name: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  const tracer = trace.getTracer('graphgate-lambda');
  return flushingTraces(tracing, (...args: A) =>
    tracer.startActiveSpan(name, { root: true }, async (span) => {
      try {
        return await handler(...args);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    }),
  );
}
