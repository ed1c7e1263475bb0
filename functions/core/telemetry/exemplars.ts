/**
 * Exemplars on latency histograms: an observation made inside a trace carries that trace's id, so a slow bucket on a
 * dashboard links to one request that was slow. Only the OpenMetrics exposition carries exemplars, so the registries
 * of the local /metrics listeners render it.
 */
import { type OpenMetricsContentType, Registry as PromRegistry, type Registry } from 'prom-client';
import { currentTraceId } from './propagation.js';

/** A registry that renders OpenMetrics (`application/openmetrics-text`), the exposition format with exemplars. */
export function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new PromRegistry<OpenMetricsContentType>();
  registry.setContentType(PromRegistry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/**
 * Exemplar labels of the active trace (`trace_id`, the name Prometheus and Grafana link on); empty outside a trace.
 * Returned as `never` because prom-client types exemplar keys as the metric's own label names.
 * @example histogram.observe({ labels, value: seconds, exemplarLabels: traceExemplar() });
 */
export function traceExemplar(traceId = currentTraceId()): never {
  return (traceId ? { trace_id: traceId } : {}) as never;
}
