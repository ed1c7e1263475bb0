import { describe, expect, it } from 'vitest';
import { measuredReadings } from './readings.js';
import type { ScenarioPlan } from './scenarios.js';
import type { VegetaResult } from './vegeta.js';

const plan: ScenarioPlan = { targets: [], measuredFrom: 0, keys: 10, tenants: 2 };

/** An attack at 10/s: `warm` warm-up requests of 900 ms, then measured ones of 20 ms. */
function attackResults(warm: number, measured: number): VegetaResult[] {
  return Array.from({ length: warm + measured }, (_, seq) => ({
    sentMs: 1_000_000 + seq * 100,
    latencyMs: seq < warm ? 900 : 20,
    code: 200,
    error: '',
    seq,
    body: '',
    headers: '',
  }));
}

describe('measured readings', () => {
  it('leaves the warm-up out of every reading', () => {
    // Prepare: a cold start (the first 50 requests slow), then steady state.
    const all = attackResults(50, 100);

    // Act
    const r = measuredReadings('cypher-1hop', 10, plan, all, 50);

    // Assess
    expect(r).toMatchObject({ n: 100, p50_ms: 20, p99_ms: 20, error_rate: 0, achieved: 10 });
  });

  it('counts an error or a non-2xx answer of the measured window', () => {
    const all = attackResults(5, 10);
    all[7] = { ...all[7]!, code: 0, error: 'timeout' };
    all[2] = { ...all[2]!, code: 503 };
    expect(measuredReadings('writes', 10, plan, all, 5).error_rate).toBe(0.1);
  });

  it('has no latency readings when the window holds fewer than two requests (a miss, never zero)', () => {
    const r = measuredReadings('nlq', 1, plan, attackResults(10, 1), 10);
    expect(r.p50_ms).toBeUndefined();
    expect(r.missing).toMatch(/no measured requests/);
  });

  it('counts edge hits of the measured window only, against the hits its keys allow', () => {
    const all = attackResults(4, 8).map((r) => ({ ...r, headers: 'x-cache: HIT\r\ncontent-type: x' }));
    const r = measuredReadings('reads', 10, { ...plan, possibleHits: 10 }, all, 4);
    expect(r.hit_ratio_share).toBe(0.8);
  });
});
