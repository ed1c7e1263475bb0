/**
 * One load run against a running twin: starts the origin, edge and intake API as their own processes (the same
 * entry points as `npm start`) and an ER worker on a private queue pair, seeds the graph, offers every scenario at
 * once at its profile's constant rate (one vegeta attack each, open model) and measures; then waits for the worker
 * to drain and reads ER lag and the DLQ. Returns readings, verdicts and the time series of the plots.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { sqsClient } from '../functions/core/aws/sqs.js';
import { ResultTooLargeError } from '../functions/core/graph/errors.js';
import { createDriver } from '../functions/core/graph/index.js';
import { Neo4jGraphRepository } from '../functions/core/graph/repository.js';
import { queues } from '../functions/core/resources/index.js';
import { loadConsumerConfig, loadWorkerConfig } from '../functions/er-intake/config.js';
import { startWorker } from '../functions/er-intake/local-worker.js';
import { erConsumerEnv, startEdge, startIntakeApi, startOrigin } from '../infra/local/apps.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { devToken } from '../infra/local/dev-token.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { freePort } from '../infra/local/process.js';
import { createQueuePair, queueCount } from '../infra/local/queues.js';
import { seedGraph, seedTenant, tenantGraph } from '../infra/local/seed/graph.js';
import { mulberry32 } from '../infra/local/seed/names.js';
import type { TwinEndpoints } from '../infra/local/types.js';
import { type JvmWarmup, warmGraphJvm } from './er-drain.js';
import { describeErWorkerCap } from './er-worker-cap.js';
import { MissingReadingError, percentile, requireReadings, round } from './evidence.js';
import { startDelayProxy } from './fault-proxy.js';
import { type CpuWatch, type CpuWindow, cpuWindow, jvmJitCpuMs } from './proc-cpu.js';
import { eventsPerIntakeRequest, type Profile, peakPerS, rateOf, type ScenarioName } from './profiles.js';
import { measuredReadings } from './readings.js';
import { buildScenarios, neighborsLimit, type ScenarioPlan } from './scenarios.js';
import { evaluate, type ScenarioReadings, type Verdict } from './thresholds.js';
import { attack, readResults, type VegetaResult } from './vegeta.js';

export interface LoadOptions {
  endpoints: TwinEndpoints;
  runDir: string;
  profile: Profile;
  /** Injected faults, for proving the gate fires. */
  faults?: { originDelayMs?: number };
  /** Processes of the twin whose CPU is read over the measured window (the run adds its own apps and itself). */
  watch?: readonly CpuWatch[];
  log?: (line: string) => void;
}

/** Per-bucket points of the plots: x = seconds since the load started (the warm-up is its first `warmupS`). */
export interface RunSeries {
  bucketS: number;
  latencyP95: Record<string, [number, number | null][]>;
  throughput: Record<string, [number, number | null][]>;
  erLagMaxS: [number, number | null][];
}

export interface LoadRun {
  readings: Record<
    ScenarioName,
    ScenarioReadings & { keys?: number; tenants?: number; statuses?: Record<string, number> }
  >;
  verdicts: Verdict[];
  series: RunSeries;
  /** Where the CPU went over the measured window (diagnosis, never judged); absent if the window never opened. */
  cpu?: CpuWindow;
  params: Record<string, unknown>;
}

const SEED = 17;
/** Tokens outlive any profile's run (load, drain and all). */
const tokenTtlS = 2 * 3600;
const generousLimits = {
  rateLimits: { tenant: { requests: 10_000_000, windowS: 60 }, subject: { requests: 10_000_000, windowS: 60 } },
};

/** Requests each scenario sends one at a time before its attack (see {@link prime}). */
const primeRequests = 4;
/** Upper bound of the priming, so a cold or broken origin cannot hold the run (the warm-up then absorbs the rest). */
const primeCapMs = 20_000;

/**
 * Sends each scenario's first `primeRequests` targets one after another (scenarios side by side), until done or
 * `capMs`; counts the events the intake accepted. Serial on purpose: fresh processes answer their first requests
 * slowly (module loading, pools, Neo4j plan compilation of each query text), and an open-model burst onto a cold
 * origin queues work the edge has already given up on. The JIT needs volume, not these few requests: that is the
 * attack's at-rate warm-up.
 */
async function prime<N extends string>(
  names: readonly N[],
  plans: Record<N, ScenarioPlan>,
  counts: Record<N, { prime: number }>,
  capMs: number,
): Promise<number> {
  const deadline = Date.now() + capMs;
  let acceptedEvents = 0;
  await Promise.all(
    names.map(async (n) => {
      for (let i = 0; i < counts[n].prime && Date.now() < deadline; i++) {
        const t = plans[n].targets[i]!;
        const headers = Object.fromEntries(Object.entries(t.header ?? {}).map(([k, v]) => [k, v.join(', ')]));
        const res = await fetch(t.url, {
          method: t.method,
          headers,
          body: t.body,
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        }).catch(() => undefined);
        const text = await res?.text().catch(() => '');
        if (n === 'intake' && res?.status === 202)
          acceptedEvents += (JSON.parse(text ?? '{}') as { accepted?: unknown[] }).accepted?.length ?? 0;
      }
    }),
  );
  return acceptedEvents;
}

/** p95 latency and completions per second in `bucketS` buckets since `t0`; an empty bucket is null, not zero. */
function bucketed(results: VegetaResult[], t0: number, bucketS: number, spanS: number) {
  const buckets = Math.ceil(spanS / bucketS);
  const lat: number[][] = Array.from({ length: buckets }, () => []);
  const done = new Array<number>(buckets).fill(0);
  for (const r of results) {
    const b = Math.floor((r.sentMs - t0) / 1000 / bucketS);
    if (b >= 0 && b < buckets) lat[b]!.push(r.latencyMs);
    const c = Math.floor((r.sentMs + r.latencyMs - t0) / 1000 / bucketS);
    if (c >= 0 && c < buckets) done[c]!++;
  }
  const x = (b: number) => round((b + 0.5) * bucketS);
  return {
    p95: lat.map((l, b): [number, number | null] => [
      x(b),
      l.length
        ? percentile(
            l.sort((p, q) => p - q),
            95,
          )
        : null,
    ]),
    rps: done.map((n, b): [number, number | null] => [x(b), n / bucketS]),
  };
}

/**
 * The graph reads the load serves (neighbourhoods at 1–3 hops around centres of the seeded tenants), straight on the
 * database, four at a time: its JVM compiles its read operators here as the ER warm-up compiled the write path, and no
 * edge or origin cache sees them (the measured mix of hits and misses stays as it was). Returns how many were refused
 * (a neighbourhood over the row cap), which warm the same code up to the refusal.
 */
async function warmGraphReads(
  driver: Driver,
  tenants: readonly { tenant: string; graph: ReturnType<typeof tenantGraph> }[],
  count: number,
): Promise<number> {
  const repo = new Neo4jGraphRepository(driver);
  const rand = mulberry32(SEED + 1);
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const i = next++;
        const { tenant, graph } = tenants[i % tenants.length]!;
        const centre = graph.entities[Math.floor(rand() * graph.entities.length)]!;
        try {
          await repo.neighbors(tenant, { id: centre.id, hops: 1 + (i % 3), limit: neighborsLimit });
        } catch (error) {
          if (!(error instanceof ResultTooLargeError)) throw error;
          refused++;
        }
      }
    }),
  );
  return refused;
}

/** Runs `options.profile` once; everything it started is stopped before it returns or throws. */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const { endpoints: base, runDir, profile } = options;
  const log = options.log ?? (() => {});
  const stops: (() => Promise<unknown>)[] = [];
  const sqs = sqsClient({ region: base.region, endpoint: base.sqsEndpoint });
  const driver = createDriver(base.neo4jUri);
  try {
    const pair = await createQueuePair(sqs, `load-${profile.name}-${Date.now()}`, {
      visibilityTimeoutS: queues.intake.visibilityTimeoutS,
      maxReceiveCount: queues.intake.maxReceiveCount,
    });
    const endpoints = { ...base, intakeQueueUrl: pair.queueUrl, dlqUrl: pair.dlqUrl };
    const keys = ensureDevKeys(join(runDir, 'dev-keys.json'));
    const [originPort, edgePort, intakePort, proxyPort] = await Promise.all([1, 2, 3, 4].map(() => freePort()));
    const d = profile.data;
    log(
      `seeding ${d.tenants} tenants × ${d.entitiesPerTenant} entities / ${d.edgesPerTenant} edges; building policies`,
    );
    const [seeded] = await Promise.all([
      seedGraph(driver, {
        tenants: d.tenants,
        entities: d.tenants * d.entitiesPerTenant,
        edges: d.tenants * d.edgesPerTenant,
        seed: SEED,
      }),
      buildPolicies(),
    ]);
    let edgeOrigin = originPort!;
    if (options.faults?.originDelayMs) {
      const proxy = await startDelayProxy({
        targetPort: originPort!,
        delayMs: options.faults.originDelayMs,
        port: proxyPort,
      });
      stops.push(() => proxy.stop());
      edgeOrigin = proxy.port;
      log(`fault: every edge → origin call delayed by ${options.faults.originDelayMs} ms`);
    }
    const apps = await Promise.allSettled([
      startOrigin(runDir, endpoints, keys, originPort!),
      startEdge(runDir, endpoints, keys, { edge: edgePort!, origin: edgeOrigin }, generousLimits),
      startIntakeApi(runDir, endpoints, keys, intakePort!),
    ]);
    const appComponents = apps.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const a of appComponents) stops.push(() => a.stop());
    const failed = apps.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failed) throw failed.reason;

    const lags = new Map<string, { atMs: number; lagMs: number | undefined }>();
    let failedAttempts = 0;
    log(describeErWorkerCap(profile.erWorker));
    const consumerConfig = loadConsumerConfig({
      ...erConsumerEnv(endpoints),
      ER_CONCURRENCY: profile.erWorker.env.ER_CONCURRENCY,
    });
    const workerConfig = (queueUrl: string, dlqUrl?: string) =>
      loadWorkerConfig({
        INTAKE_QUEUE_URL: queueUrl,
        ...(dlqUrl ? { DLQ_URL: dlqUrl } : {}),
        SQS_ENDPOINT: endpoints.sqsEndpoint,
        WORKER_WAIT_S: '1',
        ...profile.erWorker.env,
      });
    const neo4jPid = options.watch?.find((w) => w.name === 'neo4j')?.pid;
    let graphJvm: JvmWarmup | null = null;
    if (profile.graphJvmWarmup) {
      log(`warming the graph database's JVM: windows of ${profile.graphJvmWarmup.windowEvents} ER events`);
      graphJvm = await warmGraphJvm(neo4jPid, {
        sqs,
        configs: (queueUrl) => [consumerConfig, workerConfig(queueUrl)] as const,
        ...profile.graphJvmWarmup,
        log,
      });
    }
    const worker = await startWorker(consumerConfig, workerConfig(pair.queueUrl, pair.dlqUrl), {
      log: () => {},
      onResults: (rs) => {
        const now = Date.now();
        for (const r of rs) {
          if (!r.ok) failedAttempts++;
          else if (!lags.has(r.messageId)) lags.set(r.messageId, { atMs: now, lagMs: r.lagMs });
        }
      },
    });
    stops.push(() => worker.stop());

    const graphTenants = Array.from({ length: d.tenants }, (_, i) => seedTenant(SEED, i));
    const run = Date.now().toString(36);
    const tenants = await Promise.all(
      graphTenants.map(async (tenant, i) => ({
        tenant,
        token: await devToken(
          {
            tenant,
            sub: `load-${tenant}`,
            roles: ['investigator'],
            clearances: ['pii', 'financial'],
            purposes: ['investigation'],
            ttlS: tokenTtlS,
          },
          keys,
        ),
        graph: tenantGraph(SEED, tenant, d.entitiesPerTenant, d.edgesPerTenant, seeded.asOfPerTenant[i]!),
      })),
    );
    if (profile.graphJvmWarmup) {
      const reads = profile.graphJvmWarmup.reads;
      const t = Date.now();
      const failed = await warmGraphReads(driver, tenants, reads);
      log(
        `warmed the graph database on ${reads} neighbourhood reads (1–3 hops) in ${((Date.now() - t) / 1000).toFixed(0)} s; ${failed} refused`,
      );
    }
    const producersOf = (label: string) =>
      Promise.all(
        Array.from({ length: d.erTenants }, async (_, i) => {
          const tenant = `load-er-${run}-${label}${i}`;
          const claims = { tenant, sub: `load-${tenant}`, roles: ['producer'], ttlS: tokenTtlS };
          return { tenant, token: await devToken(claims, keys) };
        }),
      );
    const producers = await producersOf('');
    const names = ['reads', 'writes', 'nlq', 'cypher-1hop', 'cypher-2-3hop', 'intake'] as const;
    const scenarioInputs = {
      edgeUrl: `http://127.0.0.1:${edgePort}`,
      intakeUrl: `http://127.0.0.1:${intakePort}`,
      tenants,
    };
    if (profile.graphJvmWarmup) {
      // Every scenario at its stated peak (1×) for appsS through the real apps, with requests of their own (other ER
      // producers, other writes), so origin, edge, intake API and the database's read and write paths are compiled
      // and warm when the measured load starts; then the worker drains what it was given and the caches are emptied,
      // so the measured mix of hits and misses starts from a cold cache as it did before.
      const warmS = profile.graphJvmWarmup.appsS;
      const warmCounts = Object.fromEntries(
        names.map((n) => [n, { total: Math.ceil(peakPerS[n] * warmS) + 1, warmup: 0 }]),
      ) as Record<(typeof names)[number], { total: number; warmup: number }>;
      const warmPlans = buildScenarios({
        ...scenarioInputs,
        producers: await producersOf('warm-'),
        counts: warmCounts,
        seed: SEED + 1,
      });
      log(`warming the apps: every scenario at its stated peak for ${warmS} s`);
      await Promise.all(
        names.map((n) =>
          attack({
            vegeta: endpoints.vegetaBin,
            targets: warmPlans[n].targets,
            dir: runDir,
            out: `warm-${n}.bin`,
            rate: peakPerS[n],
            durationS: warmS,
            name: `warm-${n}`,
            maxBody: 0,
          }),
        ),
      );
      const drainBy = Date.now() + profile.drainTimeoutS * 1000;
      for (;;) {
        const q = await queueCount(sqs, pair.queueUrl);
        if (q.visible + q.inFlight === 0) break;
        if (Date.now() > drainBy)
          throw new Error(`the ER worker did not drain the apps warm-up in ${profile.drainTimeoutS} s`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const redis = new Redis(endpoints.redisUrl, { lazyConnect: true });
      try {
        await redis.connect();
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
      lags.clear();
      failedAttempts = 0;
      log('apps warm; ER queue drained, caches emptied');
    }
    // Per scenario, targets in the order they are sent, each used once: the priming's few, then one attack at the
    // constant rate for warmupS + durationS whose first rate × warmupS requests are the warm-up and the rest measured.
    const counts = Object.fromEntries(
      names.map((n) => {
        const rate = rateOf(profile, n);
        const atRateWarmup = Math.ceil(rate * profile.warmupS);
        const total = primeRequests + Math.ceil(rate * (profile.warmupS + profile.durationS)) + 1;
        return [n, { prime: primeRequests, atRateWarmup, warmup: primeRequests + atRateWarmup, total }];
      }),
    ) as Record<(typeof names)[number], { prime: number; atRateWarmup: number; warmup: number; total: number }>;
    const plans = buildScenarios({
      ...scenarioInputs,
      producers,
      counts,
      seed: SEED,
    });

    const primeStart = Date.now();
    const primeAccepted = await prime(names, plans, counts, primeCapMs);
    log(
      `primed (${primeRequests} requests per scenario, one at a time) in ${((Date.now() - primeStart) / 1000).toFixed(0)} s`,
    );
    log(
      `offering ${profile.warmupS} s warm-up + ${profile.durationS} s measured: ${names.map((n) => `${n} ${rateOf(profile, n)}/s`).join(', ')}`,
    );
    // The attacks start a fraction of a second apart: vegeta sends an attack's first request at once and paces the
    // rest from there, so attacks started in one instant would send their requests in lockstep (every scenario's
    // 1 s tick at the same moment) — bursts no real mix of clients makes. The warm-up runs at the constant rate in
    // the same attack, so the measured window starts on processes already at their steady state (JIT-compiled code,
    // plans cached, worker caught up), without a gap or a burst at its start.
    const staggerMs = 1000 / names.length;
    const attackStart = Date.now();
    const t0 = attackStart + profile.warmupS * 1000;
    let cpu: ReturnType<typeof cpuWindow> | undefined;
    let runnerCpu0 = process.cpuUsage();
    let jit0: number | undefined;
    const cpuTimer = setTimeout(
      () => {
        cpu = cpuWindow([...(options.watch ?? []), ...appComponents.map((c) => ({ name: c.name, pid: c.pid }))]);
        runnerCpu0 = process.cpuUsage();
        jit0 = neo4jPid === undefined ? undefined : jvmJitCpuMs(neo4jPid);
      },
      Math.max(0, t0 - Date.now()),
    );
    await Promise.all(
      names.map(async (n, i) => {
        await new Promise((r) => setTimeout(r, i * staggerMs));
        await attack({
          vegeta: endpoints.vegetaBin,
          targets: plans[n].targets.slice(counts[n].prime),
          dir: runDir,
          out: `load-${n}.bin`,
          rate: rateOf(profile, n),
          durationS: profile.warmupS + profile.durationS,
          name: n,
          // Intake answers list the accepted events, which the lag check counts; other bodies are not needed.
          maxBody: n === 'intake' ? -1 : 0,
        });
      }),
    );
    clearTimeout(cpuTimer);
    const attackEnd = Date.now();
    const cpuUsed = cpu?.end();
    const runnerCpu = process.cpuUsage(runnerCpu0);
    const jitMs = jit0 === undefined || neo4jPid === undefined ? undefined : jvmJitCpuMs(neo4jPid) - jit0;
    log(`load done in ${((attackEnd - attackStart) / 1000).toFixed(0)} s; reading results`);

    const results = Object.fromEntries(
      await Promise.all(
        names.map(async (n) => {
          const rs = await readResults(endpoints.vegetaBin, join(runDir, `load-${n}.bin`));
          return [n, rs] as const;
        }),
      ),
    ) as Record<(typeof names)[number], VegetaResult[]>;
    const readings = {} as LoadRun['readings'];
    for (const n of names)
      readings[n] = measuredReadings(n, rateOf(profile, n), plans[n], results[n], counts[n].atRateWarmup);

    // Every event the intake API accepted must come back processed with a lag: wait (bounded) for the worker.
    const accepted = results.intake.reduce((sum, r) => {
      if (r.code !== 202) return sum;
      try {
        return sum + (JSON.parse(r.body) as { accepted: unknown[] }).accepted.length;
      } catch {
        return sum;
      }
    }, primeAccepted);
    const drainDeadline = Date.now() + profile.drainTimeoutS * 1000;
    while (lags.size < accepted && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 500));
    const drainedS = (Date.now() - attackEnd) / 1000;
    log(`ER: ${lags.size} of ${accepted} accepted events processed (${drainedS.toFixed(0)} s after the load)`);
    const erRate = rateOf(profile, 'er-lag');
    const er: LoadRun['readings']['er-lag'] = { rate: erRate, n: lags.size, tenants: producers.length };
    try {
      if (accepted === 0) throw new MissingReadingError('ER lag: the intake API accepted no event');
      // At least `accepted` (> 0) readings, or it throws: the percentiles below always have data.
      const lagMs = requireReadings(
        `ER lag at ${erRate} events/s`,
        [...lags.values()].map((l) => l.lagMs),
        accepted,
      ).sort((a, b) => a - b);
      const times = [...lags.values()].map((l) => l.atMs).sort((a, b) => a - b);
      Object.assign(er, {
        achieved: round((lags.size - 1) / Math.max(0.001, (times.at(-1)! - times[0]!) / 1000)),
        p50_ms: round(percentile(lagMs, 50)),
        p95_ms: round(percentile(lagMs, 95)),
        p99_ms: round(percentile(lagMs, 99)),
        max_ms: round(lagMs.at(-1)!),
      });
    } catch (error) {
      if (!(error instanceof MissingReadingError)) throw error;
      er.missing = error.message;
    }
    er.error_rate = accepted > 0 ? round(failedAttempts / accepted) : undefined;
    try {
      const dlq = await queueCount(sqs, pair.dlqUrl);
      er.dlq_rate = accepted > 0 ? round((dlq.visible + dlq.inFlight) / accepted) : undefined;
    } catch (error) {
      er.missing = `${er.missing ? `${er.missing}; ` : ''}DLQ depth unreadable: ${String(error)}`;
    }
    Object.assign(er, { accepted_events: accepted, drained_after_s: round(drainedS), offered_events_per_s: erRate });
    readings['er-lag'] = er;

    // The plots start with the warm-up, so they show the processes settling before the measured window.
    const spanS = (attackEnd - attackStart) / 1000 + (lags.size ? Math.max(0, drainedS) : 0);
    const bucketS = Math.max(1, Math.round(spanS / 90));
    const series: RunSeries = { bucketS, latencyP95: {}, throughput: {}, erLagMaxS: [] };
    for (const n of names) {
      const b = bucketed(results[n], attackStart, bucketS, spanS);
      series.latencyP95[n] = b.p95;
      series.throughput[n] = b.rps;
    }
    const lagBuckets: number[][] = Array.from({ length: Math.ceil(spanS / bucketS) }, () => []);
    const processed = new Array<number>(lagBuckets.length).fill(0);
    for (const l of lags.values()) {
      const b = Math.floor((l.atMs - attackStart) / 1000 / bucketS);
      if (b >= 0 && b < lagBuckets.length && l.lagMs !== undefined) {
        lagBuckets[b]!.push(l.lagMs);
        processed[b]!++;
      }
    }
    series.erLagMaxS = lagBuckets.map((l, b) => [round((b + 0.5) * bucketS), l.length ? Math.max(...l) / 1000 : null]);
    series.throughput['er events processed'] = processed.map((n, b) => [round((b + 0.5) * bucketS), n / bucketS]);

    if (cpuUsed) {
      const ms = cpuUsed.seconds * 1000;
      // This process: the harness and the ER worker (vegeta and the apps are children, read on their own above).
      cpuUsed.processes['load runner + er worker'] =
        Math.round(((runnerCpu.user + runnerCpu.system) / 1000 / ms) * 1000) / 10;
    }
    // What Neo4j's JIT compilers still took of its CPU while measured (near 0 once the JVM is warm).
    const measuredJitPctOfCore =
      cpuUsed && jitMs !== undefined ? Math.round((jitMs / (cpuUsed.seconds * 1000)) * 1000) / 10 : null;
    return {
      readings,
      verdicts: evaluate(readings, profile.thresholds),
      series,
      cpu: cpuUsed,
      params: {
        profile: profile.name,
        factor: profile.factor,
        durationS: profile.durationS,
        warmupS: profile.warmupS,
        primeRequests,
        staggerMs: Math.round(1000 / names.length),
        drainTimeoutS: profile.drainTimeoutS,
        data: profile.data,
        ratesPerS: Object.fromEntries([...names, 'er-lag' as const].map((n) => [n, rateOf(profile, n)])),
        eventsPerIntakeRequest,
        erWorker: profile.erWorker,
        graphJvm: {
          warmup: graphJvm,
          reads: profile.graphJvmWarmup?.reads ?? 0,
          appsAtPeakS: profile.graphJvmWarmup?.appsS ?? 0,
          measuredJitPctOfCore,
        },
        faults: options.faults ?? {},
        model:
          'open: one vegeta attack per scenario at a constant arrival rate (warm-up, then measured), all scenarios at once, started a fraction of a second apart',
        loadgen: 'vegeta 12.13.0',
      },
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await driver.close();
    sqs.destroy();
  }
}
