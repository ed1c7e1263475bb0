/**
 * Load profiles of `npm run load`: the expected peak of every scenario (where each number comes from), the 2× profile
 * the plan's SLOs are stated for, the short `gate` profile `npm test` runs, and the thresholds each is judged by —
 * the plan's SLOs (DESIGN.md "Service levels") and this project's tighter local targets, both shown in the table.
 */

/** The scenarios of one run. Each is offered at a constant arrival rate (open model) by its own vegeta attack. */
export const scenarioNames = ['reads', 'writes', 'nlq', 'cypher-1hop', 'cypher-2-3hop', 'intake', 'er-lag'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** What a threshold reads from a scenario's result. */
export type Metric = 'p50_ms' | 'p95_ms' | 'p99_ms' | 'error_rate' | 'achieved_share' | 'hit_ratio_share' | 'dlq_rate';

/** Where a threshold comes from: the plan's SLO, this project's local target, or the gate's own floor. */
export type Source = 'SLO' | 'local' | 'gate';

export interface Threshold {
  metric: Metric;
  op: '<=' | '<' | '>=';
  value: number;
  source: Source;
}

export type ProfileName = 'peak' | '2x' | 'gate';

/** One run's shape: rates (per second, per scenario), how long, how much data. */
export interface Profile {
  name: ProfileName;
  /** Multiplier on {@link peakPerS}. */
  factor: number;
  /** Seconds of measured load (every scenario at once, after `warmupS`). */
  durationS: number;
  /**
   * Seconds of warm-up at the same constant rates right before the measured window, in the same attacks (after a few
   * requests per scenario one at a time): not measured, so the window starts on processes at their steady state.
   */
  warmupS: number;
  /** How long the ER worker may take to drain the last events before their lag readings count as missing. */
  drainTimeoutS: number;
  data: { tenants: number; entitiesPerTenant: number; edgesPerTenant: number; erTenants: number };
  thresholds: Record<ScenarioName, Threshold[]>;
}

/**
 * GA sizing of the cost model (functions/core/cost/workload.ts): 300M GraphQL calls and 50M ingested events a month,
 * i.e. 115.7 calls/s and 19.3 events/s on average.
 */
const gaAverage = { callsPerS: 300e6 / (30 * 86_400), eventsPerS: 50e6 / (30 * 86_400) };
/** Assumed busiest hour over the month's average hour (no plan figure exists; stated here so it can be argued). */
const peakToAverage = 2;
/**
 * The twin's share of GraphQL traffic: one edge and one origin process on 2 cores shared with the twin and the load
 * generator, where AWS spreads the read path over edge regions and origin instances. A stated scale (1/8 of the GA
 * peak), not a measurement: SLOs are per request, so the scale sets the load per process, not what is judged.
 * Ingest is not scaled: events land in one intake queue with one ER worker, locally as in each AWS region.
 */
const twinShareOfCalls = 1 / 8;
const twinCallsAtPeak = gaAverage.callsPerS * peakToAverage * twinShareOfCalls; // ≈ 28.9 calls/s
/**
 * Mix of GraphQL calls at peak (assumed; the cost model's 60% edge hit ratio is what `reads` reproduces by its key
 * skew): reads 70%, Cypher 1-hop neighbourhoods 10%, 2–3 hops 7%, persisted mutations 8%, NLQ questions 5%.
 */
const mix = { reads: 0.7, 'cypher-1hop': 0.1, 'cypher-2-3hop': 0.07, writes: 0.08, nlq: 0.05 } as const;
const round = (x: number, step = 0.5) => Math.max(step, Math.round(x / step) * step);

/** Events per intake request (the cost model's `eventsPerIntakeRequest`). */
export const eventsPerIntakeRequest = 10;

/**
 * Expected peak per scenario, per second: requests for the GraphQL scenarios and intake, events for `er-lag` (the
 * events the intake requests carry; the worker must keep up with them).
 */
export const peakPerS: Record<ScenarioName, number> = {
  reads: round(twinCallsAtPeak * mix.reads), // 20
  'cypher-1hop': round(twinCallsAtPeak * mix['cypher-1hop']), // 3
  'cypher-2-3hop': round(twinCallsAtPeak * mix['cypher-2-3hop']), // 2
  writes: round(twinCallsAtPeak * mix.writes), // 2.5
  nlq: round(twinCallsAtPeak * mix.nlq), // 1.5
  // GA ingest peak 38.6 events/s, rounded to 40 → 4 intake requests/s of 10 events.
  intake: round((gaAverage.eventsPerS * peakToAverage) / eventsPerIntakeRequest),
  'er-lag': round((gaAverage.eventsPerS * peakToAverage) / eventsPerIntakeRequest) * eventsPerIntakeRequest,
};

const t = (metric: Metric, op: Threshold['op'], value: number, source: Source): Threshold => ({
  metric,
  op,
  value,
  source,
});

/** Every scenario must be offered what it asked for (vegeta keeps its schedule) and answer without errors. */
const common = (errorBudget: number): Threshold[] => [
  t('achieved_share', '>=', 0.95, 'local'),
  t('error_rate', '<=', errorBudget, 'SLO'),
];

/**
 * Thresholds at 2× (DESIGN.md service levels: API error budget 0.1%, ingest 0.5%; GraphQL reads p95 ≤ 350 ms and
 * p99 ≤ 900 ms; writes p95 ≤ 700 ms; Neo4j 1-hop p95 ≤ 300 ms, 2–3 hop ≤ 1,200 ms, measured here end to end through
 * the edge, which is stricter; NLQ p95 ≤ 2 s; intake p95 ≤ 100 ms before storage; ER lag < 60 s at 2× peak and
 * DLQ < 0.1%). Local targets are tighter: what this twin reaches on a quiet machine, with room for 2 shared cores.
 */
const twoX: Record<ScenarioName, Threshold[]> = {
  reads: [
    ...common(0.001),
    t('p95_ms', '<=', 350, 'SLO'),
    t('p99_ms', '<=', 900, 'SLO'),
    t('p95_ms', '<=', 150, 'local'),
    // Share of the hits the key mix allows (a hit is every repeat of a key within its TTL): cache off → ~0.
    t('hit_ratio_share', '>=', 0.8, 'local'),
  ],
  writes: [...common(0.001), t('p95_ms', '<=', 700, 'SLO'), t('p95_ms', '<=', 300, 'local')],
  nlq: [...common(0.001), t('p95_ms', '<=', 2000, 'SLO'), t('p95_ms', '<=', 1000, 'local')],
  'cypher-1hop': [...common(0.001), t('p95_ms', '<=', 300, 'SLO'), t('p95_ms', '<=', 150, 'local')],
  'cypher-2-3hop': [...common(0.001), t('p95_ms', '<=', 1200, 'SLO'), t('p95_ms', '<=', 400, 'local')],
  intake: [...common(0.005), t('p95_ms', '<=', 100, 'SLO'), t('p95_ms', '<=', 60, 'local')],
  // Lag percentiles sit in p*_ms: accepted by the intake API → processed by the worker.
  'er-lag': [
    t('error_rate', '<=', 0.005, 'SLO'),
    t('dlq_rate', '<=', 0.001, 'SLO'),
    t('p95_ms', '<', 60_000, 'SLO'),
    t('p99_ms', '<', 60_000, 'SLO'),
    t('p95_ms', '<=', 30_000, 'local'),
  ],
};

/**
 * The gate: half the expected peak, small data, 20 s of warm-up at the same rates (not measured), then 40 s measured,
 * so `npm test` spends about a minute of load on it (plus its scratch twin's start, seeding and the ER drain: 3–4 min
 * in all on 2 cores). A regression gate, not the SLO proof (that is `2x`): medians (not tails) for latency, which a
 * noisy neighbour moves less, and bounds far enough above a healthy build to hold on a shared 2-core CI machine, yet
 * under what a real regression gives.
 *
 * How the bounds were derived (`npm run load -- --profile gate`, 2 cores):
 * - Quiet machine (nothing else running; 942ddb5, the earlier harness: a serial warm-up capped at 10 s, then every
 *   attack at once, 20 s measured): p50 reads 84 ms (hit share 0.85), writes 298, NLQ 854, Cypher 1-hop 197, 2–3 hops
 *   286. The same paths alone (bench:graph, bench:edge) have medians of 11–40 ms: the gap is the mix sharing 2 cores,
 *   chiefly the ER worker's 20 events/s at 22–38 ms of Neo4j CPU each.
 * - Shared machine, 2026-12-06 03:30–04:00 UTC: 5 runs of this harness (4 at 0.5×, 1 at 0.25×) and 1 of the earlier
 *   one, beside 3 other sessions' twins, integration tests and a browser (load average 14–30, machine 100% busy; the
 *   run's own processes got 0.7–1.2 cores). Every run collapsed the same way: the scenarios that reach the origin had
 *   medians at vegeta's 10 s timeout and 50–100% errors (Neo4j transactions over their 2 s timeout, its pool
 *   exhausted), the ER worker processed 5–34% of the accepted events, intake (no origin) kept p50 231–678 ms. No bound
 *   passes such a run and still means anything, nor should it: the open model offered more than the CPU the run was
 *   given. The gate needs a machine not running other twins, so it is `npm test`'s last step (vitest's twin stopped).
 *   These runs say nothing about a healthy build's medians under this harness; the quiet readings above are the base.
 * - Bounds, about 3× the quiet medians where that still catches a 1 s origin delay: Cypher 1-hop 600 ms (3.0×),
 *   2–3 hops 800 (2.8×), writes 800 (2.7×), reads 250 (3.0×; a hit never reaches the origin), intake 250; NLQ 2,000
 *   (2.3×, its SLO p95: at 854 quiet no bound under 1 s would hold); hit share ≥ 0.5 (0.85 quiet); errors ≤ 1%; rates
 *   kept ≥ 95%; ER lag p95 ≤ 30 s (SLO 60 s) and DLQ ≤ 0.1%.
 * - Why a real regression still fails it: load/gate.int.test.ts holds every edge → origin call 1 s; every write and
 *   Cypher read pays it, so those medians are ≥ 1,000 ms, over their 600–800 (NLQ's, ≥ 1,854, alone would not fail).
 *   A cache that stops answering fails the hit share (→ ~0), crashes or refusals fail the error rate, a stalled worker
 *   leaves lag readings missing, which fail.
 */
const gate: Record<ScenarioName, Threshold[]> = {
  reads: [...common(0.01), t('p50_ms', '<=', 250, 'gate'), t('hit_ratio_share', '>=', 0.5, 'gate')],
  writes: [...common(0.01), t('p50_ms', '<=', 800, 'gate')],
  nlq: [...common(0.01), t('p50_ms', '<=', 2000, 'gate')],
  'cypher-1hop': [...common(0.01), t('p50_ms', '<=', 600, 'gate')],
  'cypher-2-3hop': [...common(0.01), t('p50_ms', '<=', 800, 'gate')],
  intake: [...common(0.01), t('p50_ms', '<=', 250, 'gate')],
  'er-lag': [t('error_rate', '<=', 0.005, 'SLO'), t('dlq_rate', '<=', 0.001, 'SLO'), t('p95_ms', '<=', 30_000, 'gate')],
};

export const profiles: Record<ProfileName, Profile> = {
  peak: {
    name: 'peak',
    factor: 1,
    durationS: 180,
    warmupS: 10,
    drainTimeoutS: 300,
    data: { tenants: 8, entitiesPerTenant: 1_000, edgesPerTenant: 2_000, erTenants: 4 },
    thresholds: twoX,
  },
  '2x': {
    name: '2x',
    factor: 2,
    // ER lag must have minutes to build up: at 2× a worker that cannot keep up falls behind by the second.
    durationS: 180,
    warmupS: 10,
    drainTimeoutS: 300,
    data: { tenants: 8, entitiesPerTenant: 1_000, edgesPerTenant: 2_000, erTenants: 4 },
    thresholds: twoX,
  },
  gate: {
    name: 'gate',
    factor: 0.5,
    durationS: 40,
    warmupS: 20,
    drainTimeoutS: 20,
    data: { tenants: 4, entitiesPerTenant: 400, edgesPerTenant: 800, erTenants: 2 },
    thresholds: gate,
  },
};

/** The rate of `scenario` in `profile`, per second. */
export const rateOf = (profile: Profile, scenario: ScenarioName) => peakPerS[scenario] * profile.factor;
