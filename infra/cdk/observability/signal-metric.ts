import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type CloudWatchSignal, dimensionsOf } from '../../../functions/core/metrics/names.js';

/**
 * A CloudWatch metric of a registered signal (functions/core/metrics/names.ts) with exactly the dimensions its emitter
 * writes; naming any other set throws at synth, so no alarm or widget can read a series nobody emits.
 */
export function signalMetric(
  signal: CloudWatchSignal,
  dimensions: Record<string, string>,
  statistic: string,
  period: Duration,
): Metric {
  return new Metric({
    namespace: signal.namespace,
    metricName: signal.name,
    dimensionsMap: dimensionsOf(signal, dimensions),
    statistic,
    period,
  });
}
