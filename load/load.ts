/**
 * `npm run load -- --profile 2x|peak|gate [--duration S] [--warmup S] [--drain S] [--scale X] [--fault-origin-delay-ms N]
 *  [--allow-dirty]`
 *
 * Every scenario of load/profiles.ts at once, each at its constant rate (open model), on a scratch twin started by
 * the project's own scripts (free ports on 127.0.0.1, removed afterwards). Prints one table (scenario, rate, p50/p95/
 * p99, error rate, threshold, pass/miss) and exits non-zero when any threshold is missed or a reading is missing.
 *   2x, peak  write evidence/perf/load-<profile>-<UTC>.json (+ -latest) and SVG plots beside it: latency over time,
 *             throughput, ER lag. They refuse a dirty tree unless --allow-dirty.
 *   gate      the short profile `npm test` runs; writes nothing.
 * --fault-origin-delay-ms puts a proxy holding every edge → origin call that long (the gate's self-check).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../infra/local/paths.js';
import { startScratchTwin } from '../infra/local/twin.js';
import { type JvmWarmup, jitSettledMsPerEvent } from './er-drain.js';
import { describeErWorkerCap } from './er-worker-cap.js';
import { gitCommit, gitDirty } from './evidence.js';
import { lineChart } from './plots.js';
import { type Profile, type ProfileName, profiles, scenarioNames } from './profiles.js';
import { type LoadRun, runLoad } from './run-load.js';
import { exitCodeOf } from './thresholds.js';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', default: '2x' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    /** Seconds the ER worker may take after the load to process the last accepted events. */
    drain: { type: 'string' },
    /** Multiplies every rate of the profile (a smaller or larger run of the same mix). */
    scale: { type: 'string' },
    'fault-origin-delay-ms': { type: 'string' },
    'allow-dirty': { type: 'boolean', default: false },
  },
});

function chosenProfile(): Profile {
  const base = profiles[args.profile as ProfileName];
  if (!base) throw new Error(`--profile must be one of ${Object.keys(profiles).join(', ')}`);
  const num = (flag: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
    return n;
  };
  return {
    ...base,
    factor: base.factor * num('--scale', args.scale, 1),
    durationS: num('--duration', args.duration, base.durationS),
    warmupS: num('--warmup', args.warmup, base.warmupS),
    drainTimeoutS: num('--drain', args.drain, base.drainTimeoutS),
  };
}

const fmt = (v: number | null | undefined, d = 1) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v.toFixed(d)).toString();

/** The table: one row per threshold, the scenario's readings on its first row. */
export function table(run: LoadRun): string {
  const head = [
    'scenario',
    'rate/s',
    'kept/s',
    'n',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'err %',
    'threshold',
    'source',
    'measured',
    'result',
  ];
  const rows: string[][] = [];
  for (const s of scenarioNames) {
    const r = run.readings[s];
    const vs = run.verdicts.filter((v) => v.scenario === s);
    vs.forEach((v, i) => {
      rows.push([
        i === 0 ? s : '',
        i === 0 ? fmt(r?.rate) : '',
        i === 0 ? fmt(r?.achieved) : '',
        i === 0 ? String(r?.n ?? '—') : '',
        i === 0 ? fmt(r?.p50_ms) : '',
        i === 0 ? fmt(r?.p95_ms) : '',
        i === 0 ? fmt(r?.p99_ms) : '',
        i === 0 ? fmt(r?.error_rate === undefined ? undefined : r.error_rate * 100, 2) : '',
        `${v.metric} ${v.op} ${v.value}`,
        v.source,
        v.measured === null ? 'MISSING' : fmt(v.measured, 3),
        v.pass ? 'pass' : 'MISS',
      ]);
    });
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 || i >= 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Where the CPU went over the measured window: each process in % of one core, and the machine's busy share. */
function cpuLine(cpu: NonNullable<LoadRun['cpu']>): string {
  const each = Object.entries(cpu.processes)
    .sort(([, a], [, b]) => (b ?? -1) - (a ?? -1))
    .map(([name, pct]) => `${name} ${pct === null ? '—' : pct}`)
    .join(', ');
  return `cpu over the ${cpu.seconds} s measured (% of one core): ${each}; machine ${cpu.machineBusyPct}% busy of ${cpu.cores} cores (every process on it)`;
}

/** `dirty` is taken before the run: the files written here would otherwise make every tree look dirty. */
function writeEvidence(profile: Profile, run: LoadRun, command: string, startedAt: string, dirty: boolean): void {
  const dir = join(repoRoot, 'evidence', 'perf');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.replace(/[-:]/g, '');
  const base = `load-${profile.name}`;
  const plots = {
    latency: `${base}-${stamp}-latency.svg`,
    throughput: `${base}-${stamp}-throughput.svg`,
    erLag: `${base}-${stamp}-er-lag.svg`,
  };
  const x = `seconds since the load started (warm-up until ${profile.warmupS} s; ${run.series.bucketS} s buckets)`;
  const svgs: Record<keyof typeof plots, string> = {
    latency: lineChart({
      title: `p95 latency over time, profile ${profile.name}`,
      xLabel: x,
      yLabel: 'p95 latency (ms)',
      series: Object.entries(run.series.latencyP95).map(([name, points]) => ({ name, points })),
      rules: [{ y: 350, label: 'reads SLO p95 350 ms' }],
    }),
    throughput: lineChart({
      title: `throughput, profile ${profile.name}`,
      xLabel: x,
      yLabel: 'responses (events) per second',
      series: Object.entries(run.series.throughput).map(([name, points]) => ({ name, points })),
    }),
    erLag: lineChart({
      title: `ER lag (accepted → processed), ${run.readings['er-lag'].rate} events/s offered`,
      xLabel: x,
      yLabel: 'max lag in bucket (s)',
      series: [{ name: 'er lag max', points: run.series.erLagMaxS }],
      rules: [{ y: 60, label: 'SLO 60 s' }],
    }),
  };
  for (const k of Object.keys(plots) as (keyof typeof plots)[]) {
    writeFileSync(join(dir, plots[k]), svgs[k]);
    writeFileSync(join(dir, plots[k].replace(stamp, 'latest')), svgs[k]);
  }
  const json = {
    name: base,
    at: startedAt,
    commit: gitCommit(),
    dirty,
    command,
    machine: { cpus: cpus().length, node: process.version, note: '2 cores shared by system and load generator' },
    params: run.params,
    cpu: run.cpu,
    cases: run.readings,
    targets: run.verdicts.map((v) => ({
      what: `${v.scenario} ${v.metric} (${v.source})`,
      op: v.op,
      value: v.value,
      measured: v.measured,
      pass: v.pass,
    })),
    pass: exitCodeOf(run.verdicts) === 0,
    plots,
    series: run.series,
    notes: [
      'Peaks and their sources: load/profiles.ts. Latencies in ms from vegeta (HDR, per request), percentiles from all measured requests (after warm-up).',
      'er-lag: p50/p95/p99_ms are lag (accepted by the intake API → processed by the worker) over every accepted event; error_rate = failed processing attempts / accepted; dlq_rate = DLQ depth / accepted.',
      `params.erWorker: ${describeErWorkerCap(profile.erWorker)} (load/profiles.ts erWorker); events beyond it wait in the queue and count as ER lag.`,
      'reads hit_ratio_share = edge hits (x-cache HIT or STALE) / repeats of a key the mix holds (the most hits possible).',
      `params.graphJvm: before the load, the graph database's JVM is warmed with ER events of tenants of their own until its JIT compilers spend < ${jitSettledMsPerEvent} ms per event (warmup.windows: the first is the cold rate), then on 3,000 neighbourhood reads straight on the database (no cache sees them), then appsAtPeakS seconds of every scenario at its stated peak through the apps with requests of their own, after which the ER queue drains and Redis (every cache) is emptied, so the measured window starts warm with a cold cache; measuredJitPctOfCore is what they still took while measured. A long-running database is warm; a freshly started one spends minutes of CPU compiling.`,
      '2 cores shared by the twin, the apps and the load generator: figures are noisy.',
    ],
  };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(join(dir, `${base}-${stamp}.json`), text);
  writeFileSync(join(dir, `${base}-latest.json`), text);
  console.log(`wrote evidence/perf/${base}-${stamp}.json and plots ${Object.values(plots).join(', ')}`);
}

async function main(): Promise<number> {
  const profile = chosenProfile();
  const writes = profile.name !== 'gate';
  const dirty = gitDirty();
  if (writes && dirty && !args['allow-dirty']) {
    console.error('load: the work tree has uncommitted changes; commit first or pass --allow-dirty');
    return 2;
  }
  const delay = args['fault-origin-delay-ms'] === undefined ? undefined : Number(args['fault-origin-delay-ms']);
  const command = `npm run load -- ${process.argv.slice(2).join(' ')}`.trim();
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const t0 = Date.now();
  const log = (l: string) => console.log(`[load ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${l}`);
  const twin = await startScratchTwin(`load-${profile.name}`, { neo4jPageCache: '512m', neo4jHeap: '1g', log });
  try {
    log('twin up');
    const run = await runLoad({
      endpoints: twin.endpoints,
      runDir: twin.runDir,
      profile,
      faults: delay ? { originDelayMs: delay } : undefined,
      watch: twin.components.map((c) => ({ name: c.name, pid: c.pid })),
      log,
    });
    console.log(`\nload profile ${profile.name} (${profile.durationS} s measured) @ ${startedAt}`);
    console.log(table(run));
    console.log(describeErWorkerCap(profile.erWorker));
    for (const [s, r] of Object.entries(run.readings)) if (r.missing) console.log(`missing: ${s}: ${r.missing}`);
    if (run.cpu) console.log(cpuLine(run.cpu));
    const jvm = run.params.graphJvm as { warmup: JvmWarmup | null; measuredJitPctOfCore: number | null };
    if (jvm.warmup) {
      const w = jvm.warmup.windows;
      console.log(
        `graph JVM warm-up: ${w.length} windows, ${w[0]?.events_per_s} → ${w.at(-1)?.events_per_s} events/s, JIT ` +
          `${w[0]?.jit_ms_per_event} → ${w.at(-1)?.jit_ms_per_event} ms/event (${jvm.warmup.settled ? 'settled' : 'NOT settled'}); ` +
          `JIT while measured: ${jvm.measuredJitPctOfCore}% of one core`,
      );
    }
    console.log('note: 2 cores shared by system and load generator; figures are noisy');
    if (writes) writeEvidence(profile, run, command, startedAt, dirty);
    const code = exitCodeOf(run.verdicts);
    log(`${code === 0 ? 'every threshold held' : `${run.verdicts.filter((v) => !v.pass).length} threshold(s) missed`}`);
    return code;
  } finally {
    await twin.stop();
    if (process.env.GRAPHGATE_KEEP_LOGS) console.log(`logs kept in ${twin.runDir}`);
    else rmSync(twin.runDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
