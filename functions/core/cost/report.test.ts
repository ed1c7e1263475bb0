import { describe, expect, it } from 'vitest';
import { caseKind, markdownReport, scenariosFromRun } from './report.js';
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

  it('labels cases by what they measure: an ER end-to-end case is ingest, a raw store baseline is not priced', () => {
    // The cases of bench:ingest and bench:graph as their evidence files name them.
    expect(caseKind('ingest', 'e2e')).toBe('ingest');
    expect(caseKind('ingest', 'intake')).toBe('ingest');
    expect(caseKind('ingest', 'intake-incl-complete')).toBe('ingest');
    expect(caseKind('ingest', 'raw-put')).toBe('baseline');
    expect(caseKind('graph', 'raw-1hop')).toBe('baseline');
    expect(caseKind('graph', 'origin-1hop')).toBe('gateway');
    expect(caseKind('edge', 'edge-miss')).toBe('gateway');
    expect(caseKind('nlq', 'raw-cypher')).toBe('baseline');
    const ingestRun = {
      name: 'ingest',
      params: { concurrency: 10 },
      cases: { intake: { rps: 500 }, 'raw-put': { rps: 1500, p50_ms: 30 }, e2e: { rps: 20, p50_ms: 1500 } },
    };
    const scenarios = scenariosFromRun(ingestRun, defaultWorkload);
    expect(scenarios.map((s) => [s.name, s.path])).toEqual([
      ['model defaults', 'model'],
      ['intake', 'ingest'],
      ['e2e', 'ingest'],
    ]);
    expect(markdownReport(ingestRun, scenarios, 18_000, 'x')).toContain('Not priced (baselines');
  });

  it('writes a table row per scenario and a bar per scenario in the chart', () => {
    const scenarios = scenariosFromRun(run, defaultWorkload);
    const md = markdownReport(run, scenarios, 18_000, 'npm run cost:report -- --from x.json');
    expect(md.match(/^\| (model defaults|origin-1hop|intake-batch) \|/gm)).toHaveLength(3);
    expect(md).toContain('| origin-1hop | GraphQL calls |');
    expect(md).toContain('npm run cost:report -- --from x.json');
    const svg = costChartSvg(scenarios, 18_000);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(scenarios.length * 3);
    expect(svg).toContain('infra budget $18,000');
  });
});
