/**
 * Load profiles of `npm run load`: the expected peak of every scenario (where each number comes from), the 2× profile
 * the plan's SLOs are stated for, the short `gate` profile `npm test` runs, and the thresholds each is judged by —
 * the plan's SLOs (DESIGN.md "Service levels") and this project's tighter local targets, both shown in the table.
 */

import { stages } from '../infra/cdk/config/stages.js';
import { type ErWorkerCap, erWorkerCap } from './er-worker-cap.js';

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
  /**
   * Before any of that, the graph database's JVM is warmed with ER events of tenants of their own (load/er-drain.ts
   * warmGraphJvm): windows of `windowEvents` until its JIT compilers settle, at most `maxWindows`. A freshly started
   * Neo4j spends minutes of CPU compiling its hot code, which a long-running database does not; then `reads`
   * neighbourhood reads straight on the database (load/run-load.ts warmGraphReads); then `appsS` seconds of every
   * scenario at its stated peak through the apps with requests of their own, after which the worker drains and the
   * caches are emptied. null skips all three (the gate, which must stay short).
   */
  graphJvmWarmup: { windowEvents: number; maxWindows: number; reads: number; appsS: number } | null;
  /** How long the ER worker may take to drain the last events before their lag readings count as missing. */
  drainTimeoutS: number;
  data: { tenants: number; entitiesPerTenant: number; edgesPerTenant: number; erTenants: number };
  /** How many events the ER worker works on at once (see {@link erWorker}). */
  erWorker: ErWorkerCap;
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

/**
 * The ER worker's cap: the consumer of the `dev` stage (infra/cdk/config/stages.ts `ingest`), bounded as its event
 * source bounds the Lambda — `consumerMaxConcurrency` 2 invocations at once (Lambda's minimum; the setting that
 * "protects Neo4j writes") of `batchSize` 50 events, all 50 at once (the consumer's ER_CONCURRENCY): at most 100
 * events in flight. `dev` because its graph is the one the twin's is closest to: a single small instance, not a cluster
 * sized for the GA peak. What the worker cannot finish at that cap waits in the queue and shows as ER lag (the miss
 * the SLO judges), as in AWS, instead of the worker taking the CPU the GraphQL scenarios are judged on.
 * The worker's Neo4j write transactions stay at the consumer's ER_GRAPH_TX_IN_FLIGHT (2) for the whole process,
 * where each of dev's invocations holds its own 2: on writes the twin is the stricter.
 * Printed in the run's table and kept in the evidence JSON (`params.erWorker`).
 */
export const erWorkerStage = 'dev' as const;
export const erWorker: ErWorkerCap = erWorkerCap(erWorkerStage, stages[erWorkerStage].ingest);

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
 * The gate: a quarter of the expected peak, small data, 30 s of warm-up at the same rates (not measured), then 60 s
 * measured: 1.5 min of load, plus its scratch twin's start, seeding and the ER drain (about 2.5 min in all on a quiet
 * 2-core machine). A regression gate, not the SLO proof (that is `2x`): medians (not tails) for latency, which a noisy
 * neighbour moves less, with bounds far enough above a healthy build to hold on a shared 2-core CI machine, yet under
 * what a real regression gives.
 *
 * How it was derived (`npm run load -- --profile gate`, 2 cores, 2026-12-06, this harness unless said otherwise):
 * - At half the peak the gate loads the machine itself to saturation: on a machine otherwise idle (04:03 UTC) its own
 *   processes used 1.57 cores (Neo4j 0.78; machine 99.9% busy; mostly the ER worker's 20 events/s at 22–38 ms of Neo4j CPU each), the ER
 *   worker kept up with 852 of 1,240 events, and medians were queueing (writes 2.3 s, Cypher 1.5–1.6 s, NLQ 4.2 s);
 *   even the quiet run of the earlier harness (942ddb5) had writes 298 ms, Cypher 197 / 286, NLQ 854. The latency
 *   over time also showed the cold start: a hump over the first 30–45 s (JIT, plans, ER backlog) before steady state.
 *   Hence a quarter of the peak (the machine ~60–85% busy, the worker keeping up) and a 30 s warm-up.
 * - Quarter peak, 3 runs on a quieting machine (04:05–04:12 UTC; machine 85, 73, 61% busy; the first with a 20 s
 *   warm-up), p50 in ms: reads 46.5 / 35.1 / 27.5 (hit share 1.0 each), writes 149 / 105 / 84, NLQ 425 / 278 / 149,
 *   Cypher 1-hop 89 / 53 / 48, 2–3 hops 81 / 66 / 61, intake 72 / 56 / 47; ER lag p95 7.4 / 5.2 / 3.4 s; no error;
 *   every rate kept. All pass the bounds below.
 * - Shared machine (03:30–04:00 UTC, load average 14–30: 3 other sessions' twins, tests and a browser): 5 runs of this
 *   harness (4 at half, 1 at a quarter of the peak) and 1 of the earlier one all collapsed — origin scenarios at
 *   vegeta's 10 s timeout with 50–100% errors (Neo4j transactions over their 2 s timeout, its pool exhausted), the
 *   worker at 5–34% of the events. No bound passes that and still means anything: the open model offered more than
 *   the CPU the run was given. So the gate is `npm test`'s last step, when vitest's twin has stopped.
 * - Bounds, 4–5× the worst healthy median (headroom for a CI machine at half the CPU share those runs had, where the
 *   queueing grows faster than linearly): Cypher 1-hop 400 ms, 2–3 hops 400, writes 600, reads 200, intake 300; NLQ
 *   1,500 (3.5×; it varies most); hit share ≥ 0.7; errors ≤ 1%; rates kept ≥ 95%; ER lag p95 ≤ 30 s (SLO 60 s), DLQ
 *   ≤ 0.1%.
 * - Why a real regression still fails it: load/gate.int.test.ts holds every edge → origin call 1 s; every write and
 *   Cypher read pays it, so those medians are ≥ 1,000 ms, over their 400–600 (NLQ's, ≥ 1,150, alone might not fail).
 *   A cache that stops answering fails the hit share (→ ~0), crashes or refusals fail the error rate, a stalled worker
 *   leaves lag readings missing, which fail.
 */
const gate: Record<ScenarioName, Threshold[]> = {
  reads: [...common(0.01), t('p50_ms', '<=', 200, 'gate'), t('hit_ratio_share', '>=', 0.7, 'gate')],
  writes: [...common(0.01), t('p50_ms', '<=', 600, 'gate')],
  nlq: [...common(0.01), t('p50_ms', '<=', 1500, 'gate')],
  'cypher-1hop': [...common(0.01), t('p50_ms', '<=', 400, 'gate')],
  'cypher-2-3hop': [...common(0.01), t('p50_ms', '<=', 400, 'gate')],
  intake: [...common(0.01), t('p50_ms', '<=', 300, 'gate')],
  'er-lag': [t('error_rate', '<=', 0.005, 'SLO'), t('dlq_rate', '<=', 0.001, 'SLO'), t('p95_ms', '<=', 30_000, 'gate')],
};

/** Up to 30,000 events: measured, Neo4j's JIT took 6–12 ms per event at first and 0.1–0.3 ms after 15,000–20,000. */
const graphJvmWarmup = { windowEvents: 2_000, maxWindows: 15, reads: 3_000, appsS: 60 };

export const profiles: Record<ProfileName, Profile> = {
  peak: {
    name: 'peak',
    factor: 1,
    durationS: 180,
    warmupS: 10,
    graphJvmWarmup,
    drainTimeoutS: 300,
    data: { tenants: 8, entitiesPerTenant: 1_000, edgesPerTenant: 2_000, erTenants: 4 },
    erWorker,
    thresholds: twoX,
  },
  '2x': {
    name: '2x',
    factor: 2,
    // ER lag must have minutes to build up: at 2× a worker that cannot keep up falls behind by the second.
    durationS: 180,
    warmupS: 10,
    graphJvmWarmup,
    drainTimeoutS: 300,
    data: { tenants: 8, entitiesPerTenant: 1_000, edgesPerTenant: 2_000, erTenants: 4 },
    erWorker,
    thresholds: twoX,
  },
  gate: {
    name: 'gate',
    factor: 0.25,
    durationS: 60,
    warmupS: 30,
    graphJvmWarmup: null,
    drainTimeoutS: 20,
    data: { tenants: 4, entitiesPerTenant: 400, edgesPerTenant: 800, erTenants: 2 },
    erWorker,
    thresholds: gate,
  },
};

/** The rate of `scenario` in `profile`, per second. */
export const rateOf = (profile: Profile, scenario: ScenarioName) => peakPerS[scenario] * profile.factor;
