/** The corpus run as the evidence summary: counts, statuses and latency per class, and every failure by case. */
import { percentile, round } from '../evidence.js';
import type { CorpusRun } from './run.js';

const round1 = (x: number) => round(x, 1);

function latency(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50_ms: round1(percentile(sorted, 50)),
    p95_ms: round1(percentile(sorted, 95)),
    max_ms: round1(sorted.at(-1) ?? 0),
  };
}

function statuses(run: CorpusRun['outcomes']) {
  const out: Record<string, number> = {};
  for (const o of run) out[o.status] = (out[o.status] ?? 0) + 1;
  return out;
}

/** Pass/fail and what failed; `pass` only when nothing at all did. */
export function summarise(run: CorpusRun) {
  const by = <T>(pick: (o: CorpusRun['outcomes'][number]) => T[]) =>
    run.outcomes.flatMap((o) =>
      pick(o).map((what) => ({ id: o.id, status: o.status, code: o.code, what, excerpt: o.excerpt })),
    );
  const categories = [...new Set(run.outcomes.map((o) => o.category))];
  const violations = by((o) => o.violations);
  const mismatches = by((o) => o.mismatches);
  return {
    pass: violations.length === 0 && mismatches.length === 0 && run.oracles.length === 0 && run.unhealthy.length === 0,
    cases: run.outcomes.length,
    fiveXx: run.outcomes.filter((o) => o.status >= 500).length,
    leaks: violations.filter((v) => v.what.startsWith('leak')).length,
    overBound: violations.filter((v) => /^(slow|hang|no answer)/.test(v.what)).length,
    wallS: round1(run.wallMs / 1000),
    statuses: statuses(run.outcomes),
    latency: latency(run.outcomes.map((o) => o.ms)),
    byCategory: Object.fromEntries(
      categories.map((c) => {
        const os = run.outcomes.filter((o) => o.category === c);
        return [c, { n: os.length, statuses: statuses(os), ...latency(os.map((o) => o.ms)) }];
      }),
    ),
    violations,
    mismatches,
    oracles: run.oracles,
    unhealthy: run.unhealthy,
    outcomes: run.outcomes.map(({ id, status, code, startMs, ms }) => ({ id, status, code, startMs, ms: round1(ms) })),
  };
}
