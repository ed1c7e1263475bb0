/**
 * Traces in AWS. Choice: the OpenTelemetry SDK is bundled into every function (esbuild bundles what the entries
 * import: functions/core/telemetry/tracing.ts), not added as the ADOT Lambda layer. The layer's collector runs inside
 * each invocation and cannot tail-sample — a trace's spans come from several functions (edge, origin, ER worker) — so
 * the functions export OTLP/HTTP to one gateway collector (the ADOT collector image, which has the same otlp receiver,
 * tail_sampling, attributes, resource, memory_limiter and batch components as the local ocb build) that runs the
 * config the twin runs: infra/otel/collector.yaml, published here as an SSM parameter (ADOT reads it through
 * `AOT_CONFIG_CONTENT`), with `OTEL_COLLECTOR_TRACES_EXPORTER=otlp/backend`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { repoRoot } from '../constructs/bundling.js';

/** The collector config the twin runs and the gateway collector is given (one file). */
export const collectorConfigPath = join(repoRoot, 'infra', 'otel', 'collector.yaml');

export class TraceCollectorConfig extends Construct {
  readonly parameter: StringParameter;

  constructor(scope: Construct, id: string, stage: StageConfig) {
    super(scope, id);
    this.parameter = new StringParameter(this, 'Config', {
      parameterName: `/graphgate/${stage.name}/otel-collector-config`,
      description: 'OpenTelemetry Collector config of the trace gateway (infra/otel/collector.yaml)',
      stringValue: readFileSync(collectorConfigPath, 'utf8'),
      // Over the standard tier's 4 KB.
      tier: ParameterTier.ADVANCED,
    });
  }
}
