import { describe, expect, it } from 'vitest';
import { profiles, scenarioNames } from './profiles.js';
import { evaluate, exitCodeOf, type ScenarioReadings } from './thresholds.js';

const healthy: ScenarioReadings = {
  rate: 20,
  achieved: 20,
  n: 600,
  p50_ms: 12,
  p95_ms: 40,
  p99_ms: 80,
  error_rate: 0,
  hit_ratio_share: 0.95,
  dlq_rate: 0,
};

/** Readings of every scenario of the gate as a healthy build gives them on this machine. */
const healthyRun = () => Object.fromEntries(scenarioNames.map((s) => [s, { ...healthy }]));

describe('load thresholds', () => {
  it('passes a healthy gate run', () => {
    const verdicts = evaluate(healthyRun(), profiles.gate.thresholds);
    expect(verdicts.filter((v) => !v.pass)).toEqual([]);
    expect(exitCodeOf(verdicts)).toBe(0);
  });

  it('fails the gate when every origin call is 1 s slower (every Cypher read a miss that pays it)', () => {
    const run = healthyRun();
    run['cypher-1hop'] = { ...healthy, p50_ms: 1_000 + 12, p95_ms: 1_000 + 40 };
    const failed = evaluate(run, profiles.gate.thresholds).filter((v) => !v.pass);
    expect(failed.map((v) => `${v.scenario} ${v.metric}`)).toEqual(['cypher-1hop p50_ms']);
    expect(exitCodeOf(failed)).toBe(1);
  });

  it('keeps the gate medians of writes and Cypher reads (each one an origin call) under the 1 s its self-check adds', () => {
    // load/gate.int.test.ts holds every edge → origin call 1 s: a median bound at or over 1 s could not catch it.
    for (const s of ['writes', 'cypher-1hop', 'cypher-2-3hop'] as const) {
      const p50 = profiles.gate.thresholds[s].filter((x) => x.metric === 'p50_ms');
      expect(p50.length, s).toBe(1);
      expect(p50[0]!.value, s).toBeLessThan(1_000);
    }
  });

  it('fails the gate on every origin scenario but NLQ when each origin call takes 1 s more', () => {
    const run = healthyRun();
    for (const s of ['writes', 'nlq', 'cypher-1hop', 'cypher-2-3hop'] as const)
      run[s] = { ...healthy, p50_ms: healthy.p50_ms! + 1_000 };
    const failed = evaluate(run, profiles.gate.thresholds).filter((v) => !v.pass);
    expect(failed.map((v) => v.scenario)).toEqual(['writes', 'cypher-1hop', 'cypher-2-3hop']);
  });

  it('fails the gate when the edge cache stops answering', () => {
    const run = healthyRun();
    run.reads = { ...healthy, hit_ratio_share: 0 };
    const failed = evaluate(run, profiles.gate.thresholds).filter((v) => !v.pass);
    expect(failed).toMatchObject([{ scenario: 'reads', metric: 'hit_ratio_share', measured: 0, source: 'gate' }]);
  });

  it('counts a missing reading as a miss, never as zero', () => {
    const run = healthyRun();
    run['er-lag'] = { rate: 40, error_rate: 0, dlq_rate: 0, missing: '12 of 1200 events without a lag reading' };
    const failed = evaluate(run, profiles.gate.thresholds).filter((v) => !v.pass);
    expect(failed).toEqual([expect.objectContaining({ scenario: 'er-lag', metric: 'p95_ms', measured: null })]);
  });

  it('fails every threshold of a scenario that did not run', () => {
    const run = healthyRun();
    delete run.nlq;
    const failed = evaluate(run, profiles['2x'].thresholds).filter((v) => !v.pass);
    expect(failed.length).toBe(profiles['2x'].thresholds.nlq.length);
    expect(new Set(failed.map((v) => v.scenario))).toEqual(new Set(['nlq']));
  });

  it('fails when the load generator could not keep the offered rate (open model)', () => {
    const run = healthyRun();
    run.writes = { ...healthy, rate: 5, achieved: 4 };
    const failed = evaluate(run, profiles['2x'].thresholds).filter((v) => !v.pass);
    expect(failed).toMatchObject([{ scenario: 'writes', metric: 'achieved_share', measured: 0.8 }]);
  });

  it('shows both the SLO and the tighter local target at 2×, and judges a strict bound strictly', () => {
    const reads = profiles['2x'].thresholds.reads.filter((x) => x.metric === 'p95_ms');
    expect(reads.map((x) => x.source)).toEqual(['SLO', 'local']);
    expect(reads.find((x) => x.source === 'local')!.value).toBeLessThan(reads.find((x) => x.source === 'SLO')!.value);
    const run = healthyRun();
    run['er-lag'] = { ...healthy, p95_ms: 60_000, p99_ms: 60_000 };
    const lag = evaluate(run, profiles['2x'].thresholds).filter((v) => v.scenario === 'er-lag' && !v.pass);
    expect(lag.map((v) => `${v.metric} ${v.op} ${v.source}`)).toEqual([
      'p95_ms < SLO',
      'p99_ms < SLO',
      'p95_ms <= local',
    ]);
  });

  it('has no run that passes without verdicts', () => {
    expect(exitCodeOf([])).toBe(1);
  });
});
