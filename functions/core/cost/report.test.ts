import { describe, expect, it } from 'vitest';
import { markdownReport, scenariosFromRun } from './report.js';
import { costChartSvg } from './svg.js';
import { defaultWorkload } from './workload.js';

const run = {
  name: 'graph',
  params: { workers: 2 },
  cases: {
    'origin-1hop': { rps: 800, p50_ms: 20 },
    'intake-batch': { rps: 1000 },
    'no-latency': { rps: 10 },
  },
};

describe('cost report', () => {
  it('prices gateway cases by billed latency and ingest cases by worker busy time per event', () => {
    const [model, gateway, ingest, ...rest] = scenariosFromRun(run, defaultWorkload);
    expect(model!.path).toBe('model');
    expect(gateway).toMatchObject({ name: 'origin-1hop', path: 'gateway', workload: { originMsPerCall: 20 } });
    expect(ingest).toMatchObject({ name: 'intake-batch', path: 'ingest', workload: { consumerMsPerEvent: 2 } });
    // A gateway case without a latency cannot be priced and is left out rather than guessed.
    expect(rest).toEqual([]);
    // Faster origin calls cost less per 1M calls than the 60 ms assumption.
    expect(gateway!.gateway.perUnitUsd).toBeLessThan(model!.gateway.perUnitUsd);
  });

  it('writes a table row per scenario and a bar per scenario in the chart', () => {
    const scenarios = scenariosFromRun(run, defaultWorkload);
    const md = markdownReport(run, scenarios, 18_000, 'npm run cost:report -- --from x.json');
    expect(md.match(/^\| (model defaults|origin-1hop|intake-batch) \|/gm)).toHaveLength(3);
    expect(md).toContain('npm run cost:report -- --from x.json');
    const svg = costChartSvg(scenarios, 18_000);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(scenarios.length * 3);
    expect(svg).toContain('infra budget $18,000');
  });
});
