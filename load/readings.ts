/** A load scenario's readings from its vegeta results: only the measured requests, never the warm-up. */
import { percentile, round } from './evidence.js';
import type { ScenarioName } from './profiles.js';
import type { ScenarioPlan } from './scenarios.js';
import type { ScenarioReadings } from './thresholds.js';
import type { VegetaResult } from './vegeta.js';

/**
 * Readings of one scenario's measured requests: those of its attack whose sequence number is at or past `warmFrom`
 * (the attack sends its targets in order, at its constant rate, warm-up first; vegeta numbers them from 0).
 */
export function measuredReadings(
  name: ScenarioName,
  rate: number,
  plan: ScenarioPlan,
  all: VegetaResult[],
  warmFrom: number,
): ScenarioReadings & { statuses: Record<string, number>; keys: number; tenants: number } {
  const measured = all.filter((r) => r.seq >= warmFrom);
  const statuses: Record<string, number> = {};
  for (const r of measured) statuses[r.code || 'error'] = (statuses[r.code || 'error'] ?? 0) + 1;
  const base = { rate, keys: plan.keys, tenants: plan.tenants, statuses };
  if (measured.length < 2) return { ...base, n: measured.length, missing: `${name}: no measured requests` };
  const sent = measured.map((r) => r.sentMs).sort((a, b) => a - b);
  const lat = measured.map((r) => r.latencyMs).sort((a, b) => a - b);
  const ok = (r: VegetaResult) => r.code >= 200 && r.code < 300 && !r.error;
  const readings: ScenarioReadings & typeof base = {
    ...base,
    achieved: round((measured.length - 1) / ((sent.at(-1)! - sent[0]!) / 1000)),
    n: measured.length,
    p50_ms: round(percentile(lat, 50)),
    p95_ms: round(percentile(lat, 95)),
    p99_ms: round(percentile(lat, 99)),
    error_rate: round(measured.filter((r) => !ok(r)).length / measured.length),
  };
  if (plan.possibleHits !== undefined && name === 'reads') {
    const hits = measured.filter((r) => /^x-cache:\s*(HIT|STALE)\s*$/im.test(r.headers)).length;
    readings.hit_ratio_share = plan.possibleHits > 0 ? round(hits / plan.possibleHits) : undefined;
    Object.assign(readings, { hits, possible_hits: plan.possibleHits });
  }
  return readings;
}
