/**
 * W3C trace context across the hops graphgate owns: HTTP headers (edge → origin, where the internal-request signature
 * covers them) and SQS message attributes (intake → worker). Works with or without an SDK registered: without one the
 * propagator is a no-op and there is no trace id.
 */
import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';

/** The trace-context headers of the W3C recommendation (what the propagator writes). */
export const traceContextHeaders = ['traceparent', 'tracestate'] as const;

/** The headers that carry the active trace context to the next hop (empty without an active span). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (h) => [...h.keys()],
  get: (h, key) => h.get(key) ?? undefined,
};

/** The context a request's trace-context headers continue (the root context when there are none). */
export function contextFromHeaders(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headersGetter);
}

/** An SQS message attribute as the SDK sends and the Lambda event delivers it (`stringValue` either way). */
interface StringAttribute {
  DataType?: string;
  StringValue?: string;
  dataType?: string;
  stringValue?: string;
}

/** Message attributes carrying the active trace context, in the SQS SendMessage shape. */
export function traceMessageAttributes(
  ctx: Context = context.active(),
): Record<string, { DataType: 'String'; StringValue: string }> {
  return Object.fromEntries(
    Object.entries(traceHeaders(ctx)).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
  );
}

/** The context an SQS message's trace attributes continue (either casing of the attribute shape). */
export function contextFromMessageAttributes(attributes: Record<string, StringAttribute> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const name of traceContextHeaders) {
    const a = attributes?.[name];
    const value = a?.StringValue ?? a?.stringValue;
    if (value) carrier[name] = value;
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Trace id of the active span (32 hex), or undefined outside a sampled-or-not but valid span. */
export function currentTraceId(ctx: Context = context.active()): string | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined;
}
