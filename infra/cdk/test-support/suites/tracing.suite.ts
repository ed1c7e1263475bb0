import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stages } from '../../config/stages.js';
import { collectorConfigPath } from '../../observability/collector.js';
import type { SynthesizedStage } from '../synth.js';

/** Traces in AWS: the bundled SDK's endpoint on every regional function, the gateway's collector config. */
export function tracingSuite(stage: () => SynthesizedStage): void {
  describe('tracing', () => {
    it('points every regional function at the stage trace gateway', () => {
      const templates = stage().templates;
      let functions = 0;
      for (const name of ['api', 'ingest', 'retention'] as const) {
        const fns = templates[name].findResources('AWS::Lambda::Function');
        for (const [id, fn] of Object.entries(fns)) {
          const vars = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
          // CDK's own helper functions (log retention, custom resources) carry no GRAPHGATE_STAGE; ours all do.
          if (!('GRAPHGATE_STAGE' in vars)) continue;
          functions++;
          expect(vars.OTEL_EXPORTER_OTLP_ENDPOINT, `${name}/${id}`).toBe(stages.prod.otlpEndpoint);
        }
      }
      expect(functions).toBeGreaterThan(3);
    });

    it('publishes the collector config the twin runs, byte for byte, for the gateway', () => {
      const params = stage().templates.observability.findResources('AWS::SSM::Parameter', {
        Properties: { Name: '/graphgate/prod/otel-collector-config' },
      });
      const [param] = Object.values(params);
      expect(param?.Properties.Value).toBe(readFileSync(collectorConfigPath, 'utf8'));
      expect(param?.Properties.Value).toContain('tail_sampling');
    });
  });
}
