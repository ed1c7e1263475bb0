/**
 * Judging a load run: every scenario's readings against its thresholds. A reading that could not be taken (no
 * samples, no lag for an accepted event, an unreadable DLQ) is a miss, never a zero (../shared/EVIDENCE.md).
 */
import type { Metric, ScenarioName, Source, Threshold } from './profiles.js';

/** What one scenario measured; `undefined` or NaN means the reading is missing. */
export interface ScenarioReadings {
  /** Offered rate (per second) and the rate vegeta kept. */
  rate: number;
  achieved?: number;
  n?: number;
  p50_ms?: number;
  p95_ms?: number;
  p99_ms?: number;
  error_rate?: number;
  /** Measured hit ratio / the ratio the key mix allows (1 = every repeat was a hit). */
  hit_ratio_share?: number;
  dlq_rate?: number;
  /** Why readings are missing, when they are. */
  missing?: string;
}

export interface Verdict {
  scenario: ScenarioName;
  metric: Metric;
  op: Threshold['op'];
  value: number;
  source: Source;
  /** null when the reading is missing (and the verdict is a miss). */
  measured: number | null;
  pass: boolean;
}

/** The reading `metric` of `r`: `achieved_share` is achieved / offered. */
export function readingOf(r: ScenarioReadings, metric: Metric): number | undefined {
  const v = metric === 'achieved_share' ? (r.achieved === undefined ? undefined : r.achieved / r.rate) : r[metric];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

const holds = (op: Threshold['op'], measured: number, value: number) =>
  op === '<=' ? measured <= value : op === '<' ? measured < value : measured >= value;

/**
 * Every threshold of every scenario that ran, as a verdict. A scenario with thresholds but no readings at all fails
 * each of them: a run that silently skipped a scenario must not pass.
 * @example const failed = evaluate(results, profile.thresholds).filter((v) => !v.pass);
 */
export function evaluate(
  results: Partial<Record<ScenarioName, ScenarioReadings>>,
  thresholds: Partial<Record<ScenarioName, Threshold[]>>,
): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const [scenario, list] of Object.entries(thresholds) as [ScenarioName, Threshold[]][]) {
    const r = results[scenario];
    for (const th of list) {
      const measured = r ? readingOf(r, th.metric) : undefined;
      verdicts.push({
        scenario,
        ...th,
        measured: measured ?? null,
        pass: measured !== undefined && holds(th.op, measured, th.value),
      });
    }
  }
  return verdicts;
}

/** Exit code of a run: 0 only when every verdict passed and there was at least one. */
export const exitCodeOf = (verdicts: readonly Verdict[]) =>
  verdicts.length > 0 && verdicts.every((v) => v.pass) ? 0 : 1;
