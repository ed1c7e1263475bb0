/**
 * `npm run bench:ingest [-- --quick] [--allow-dirty]` — ER intake throughput on its own twin (free ports, thrown away afterwards):
 *   raw-put  conditional PutItem/s of the dynalite endpoint (attribute_not_exists), the store's limit;
 *   intake   the worker path before the graph write (SQS receive → parse/validate → idempotency key claim (one
 *            conditional put) → delete), one worker process; rps = events/s, p95_ms = per event up to the graph write;
 *   e2e      the same worker with the graph effect and audit entry (sustained events/s), once the graph database's
 *            JVM is warm (see {@link warmGraphJvm});
 *   lag      events offered at 2× the stated ER peak (load/profiles.ts) for 5 minutes, open model — lag = accepted →
 *            processed; then at 2× this run's own e2e rate for 30 s (how fast lag grows past capacity; no target).
 * Plus a sequential stage profile saying what dominates an event. Writes evidence/perf/ingest-<UTC>.json + -latest.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbAuditLedger } from '../functions/core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { sqsClient } from '../functions/core/aws/sqs.js';
import { applyEvent } from '../functions/core/er/apply.js';
import { defaultErConfig } from '../functions/core/er/config.js';
import { ledgerChainer } from '../functions/core/er/ledger-outbox.js';
import { storedModels } from '../functions/core/er/model-store.js';
import type { Effect } from '../functions/core/er/pipeline.js';
import type { Envelope } from '../functions/core/er/schemas.js';
import { createDriver } from '../functions/core/graph/index.js';
import { queues, tableName, tables } from '../functions/core/resources/index.js';
import { defaultErConcurrency, loadConsumerConfig, loadWorkerConfig } from '../functions/er-intake/config.js';
import type { MessageResult } from '../functions/er-intake/consumer.js';
import { startWorker } from '../functions/er-intake/local-worker.js';
import { erConsumerEnv } from '../infra/local/apps.js';
import { repoRoot } from '../infra/local/paths.js';
import { createQueuePair } from '../infra/local/queues.js';
import { startScratchTwin } from '../infra/local/twin.js';
import { waitFor } from '../infra/local/wait-for.js';
import { drainEvents, jitSettledMsPerEvent, sendEnvelopes, warmGraphJvm } from './er-drain.js';
import { generateEvents } from './er-events.js';
import { refuseDirtyTree, requireReadings, runCommit, runDirty } from './evidence.js';
import { jvmJitCpuMs, treeCpuMs } from './proc-cpu.js';
import { peakPerS } from './profiles.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'allow-dirty': { type: 'boolean', default: false } },
});
const quick = values.quick;
refuseDirtyTree('bench:ingest', values['allow-dirty']);
const n = {
  raw: quick ? 4000 : 20000,
  intake: quick ? 4000 : 20000,
  e2e: quick ? 1500 : 8000,
  lagS: quick ? 10 : 30,
  /** Seconds at 2× the stated ER peak (the "for 5 minutes"). */
  lagPeakS: quick ? 30 : 300,
  profile: quick ? 100 : 300,
  /** Events per window of the graph database's JVM warm-up, and at most how many windows. */
  jvmWarmupWindow: quick ? 1000 : 2000,
  jvmWarmupMaxWindows: quick ? 2 : 15,
};
// The worker as deployed: batches of the event source's size, every event of a batch at once, grouped into graph
// transactions of up to the same size (functions/core/resources/queues.ts `intake.batchSize`), two batches at once.
const workerBatches = 2;
const params = {
  ...n,
  workerBatches,
  /** Invocations at once, as the cost report reads a run (functions/core/cost/report.ts): the batch loops. */
  workers: workerBatches,
  batchSize: queues.intake.batchSize,
  concurrency: defaultErConcurrency,
  rawConcurrency: 40,
  graphBatch: queues.intake.batchSize,
  graphTxInFlight: 2,
  jitSettledMsPerEvent,
};
const e2eGroup = params.graphBatch;
const log = (l: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${l}`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : 0;
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (lat: number[], seconds: number, errors = 0) => ({
  n: lat.length,
  rps: r2(lat.length / seconds),
  p50_ms: r2(pct(lat, 50)),
  p95_ms: r2(pct(lat, 95)),
  p99_ms: r2(pct(lat, 99)),
  errors,
});

const twin = await startScratchTwin('bench-ingest', { neo4jPageCache: '1g', neo4jHeap: '1g', log });
const e = twin.endpoints;
const sqs = sqsClient({ region: e.region, endpoint: e.sqsEndpoint });
const ddb = dynamoClient({ region: e.region, endpoint: e.dynamoEndpoint });
const idempotencyTable = tableName('local', tables.idempotency);

async function rawPut(count: number, concurrency: number, prefix: string) {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const s = performance.now();
        try {
          await ddb.send(
            new PutItemCommand({
              TableName: idempotencyTable,
              Item: { id: { S: `${prefix}#${i}` }, status: { S: 'INPROGRESS' }, expiration: { N: '9999999999' } },
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          );
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  return stats(lat, (performance.now() - t0) / 1000, errors);
}

/** The reading of the graph database's JIT compilers (a part of its CPU, not a process of its own). */
const neo4jJit = 'neo4j JIT compilers';

/**
 * CPU time (ms) used so far by each twin component that ER uses, by this process (where the worker runs), and by the
 * graph database's JIT compilers.
 */
function cpuByComponent(): Record<string, number> {
  const names = ['neo4j', 'dynamodb (dynalite)', 'sqs (elasticmq)', 'upstash-rest', 'redis'];
  const out: Record<string, number> = {};
  const pidOf = (name: string) => twin.components.find((c) => c.name === name)?.pid;
  for (const name of names) out[name] = treeCpuMs(pidOf(name));
  out[neo4jJit] = jvmJitCpuMs(pidOf('neo4j'));
  const own = process.cpuUsage();
  out['worker (this process)'] = (own.user + own.system) / 1000;
  return out;
}

/** Consumer and worker configuration of a worker on `queueUrl`, at this benchmark's concurrency and batching. */
function workerConfigs(queueUrl: string) {
  return [
    loadConsumerConfig({
      ...erConsumerEnv(e),
      ER_CONCURRENCY: String(params.concurrency),
      ER_GRAPH_BATCH: String(params.graphBatch),
      ER_GRAPH_TX_IN_FLIGHT: String(params.graphTxInFlight),
    }),
    loadWorkerConfig({
      INTAKE_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: e.sqsEndpoint,
      WORKER_BATCHES: String(params.workerBatches),
      WORKER_BATCH_SIZE: String(params.batchSize),
      WORKER_WAIT_S: '1',
      VISIBILITY_TIMEOUT_S: '30',
    }),
  ] as const;
}

/**
 * Drains `envelopes` through a worker (load/er-drain.ts); returns per-message results, wall time and the CPU each
 * process used while the worker drained the queue (read once the worker is started, after the producer's sends and
 * the worker's schema migration, until the last result: neither is an event's cost).
 */
async function drain(label: string, envelopes: Envelope[], effect?: Effect) {
  let cpuBefore: Record<string, number> = {};
  let cpuAfter: Record<string, number> = {};
  const run = await drainEvents(label, envelopes, {
    sqs,
    configs: workerConfigs,
    effect,
    started: () => {
      cpuBefore = cpuByComponent();
    },
    drained: () => {
      cpuAfter = cpuByComponent();
    },
  });
  const cpuMs = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, cpuAfter[k]! - cpuBefore[k]!]));
  const jitMs = cpuMs[neo4jJit]!;
  delete cpuMs[neo4jJit];
  return { ...run, cpuMs, jitMs };
}

/**
 * Lag (accepted → processed) of events offered at `perS` for `seconds` under an open model (a fixed schedule, so a
 * slow consumer does not slow the producer), on a fresh queue with its own worker. Every offered event must come back
 * processed with its lag: a missing reading fails the run, never counts as 0 ms.
 */
async function lagRun(perS: number, seconds: number, seed: number) {
  const load = generateEvents({ total: perS * seconds, duplicateShare: 0, poisonShare: 0, tenants: 8, seed }).unique;
  const pair = await createQueuePair(sqs, `bench-lag-${Date.now()}`, { visibilityTimeoutS: 30 });
  const results: MessageResult[] = [];
  const worker = await startWorker(...workerConfigs(pair.queueUrl), {
    log: () => {},
    onResults: (rs) => results.push(...rs),
  });
  const t0 = Date.now();
  for (let tick = 0; tick < seconds * 10; tick++) {
    const due = load.slice(Math.floor((tick * perS) / 10), Math.floor(((tick + 1) * perS) / 10));
    void sendEnvelopes(sqs, pair.queueUrl, due);
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (tick + 1) * 100 - Date.now())));
  }
  const producedS = (Date.now() - t0) / 1000;
  await waitFor(
    `lag run at ${perS}/s drained`,
    async () => (results.length >= load.length ? true : undefined),
    900_000,
  );
  const drainS = (Date.now() - t0) / 1000;
  await worker.stop();
  const lags = requireReadings(
    `lag at ${perS}/s`,
    results.filter((r) => r.ok).map((r) => r.lagMs),
    load.length,
  );
  const out = {
    offered_per_s: perS,
    producedS: r2(producedS),
    drainedS: r2(drainS),
    n: lags.length,
    p50_ms: r2(pct(lags, 50)),
    p95_ms: r2(pct(lags, 95)),
    max_ms: r2(pct(lags, 100)),
  };
  log(`lag at ${perS}/s for ${seconds} s: p95 ${out.p95_ms} ms, max ${out.max_ms} ms`);
  return out;
}

try {
  const driver = createDriver(e.neo4jUri);
  log('warm-up');
  await rawPut(500, params.rawConcurrency, 'warm');
  const noGraph = async (env: Envelope) => ({
    eventId: env.eventId,
    band: 'LOW' as const,
    score: 0,
    entityId: 'x',
    candidateId: null,
    mergeId: null,
    reviewId: null,
    repairMergeIds: [],
    touched: [],
    explanation: null,
    modelVersion: 'bench',
    ledgerSeq: null,
    applied: true,
  });
  await drain(
    'warm',
    generateEvents({ total: 500, duplicateShare: 0, poisonShare: 0, tenants: 4, seed: 1 }).unique,
    noGraph,
  );

  // Interleave: raw-put, intake, raw-put again; report the mean of the raw runs as the baseline.
  const rawA = await rawPut(n.raw, params.rawConcurrency, 'rawA');
  const intakeRun = await drain(
    'intake',
    generateEvents({ total: n.intake, duplicateShare: 0, poisonShare: 0, tenants: 8, seed: 2 }).unique,
    noGraph,
  );
  const rawB = await rawPut(n.raw, params.rawConcurrency, 'rawB');
  const raw = { ...rawB, rps: r2((rawA.rps + rawB.rps) / 2), n: rawA.n + rawB.n, errors: rawA.errors + rawB.errors };
  const intakeOk = intakeRun.results.filter((r) => r.ok);
  const intake = stats(
    intakeOk.map((r) => r.beforeGraphMs ?? r.durationMs),
    intakeRun.seconds,
    intakeRun.results.length - intakeOk.length,
  );
  const intakeFull = stats(
    intakeOk.map((r) => r.durationMs),
    intakeRun.seconds,
  );
  log(`intake ${intake.rps}/s p95 ${intake.p95_ms} ms; raw-put ${raw.rps}/s`);

  const jvmWarmup = await warmGraphJvm(twin.components.find((c) => c.name === 'neo4j')?.pid, {
    sqs,
    configs: workerConfigs,
    windowEvents: n.jvmWarmupWindow,
    maxWindows: n.jvmWarmupMaxWindows,
    log,
  });

  // CPU of every process the e2e case runs on (the worker runs in this process), read from /proc while the worker
  // drains: CPU per event, which two shared cores distort far less than they distort events/s, and what dominates.
  const e2eRun = await drain(
    'e2e',
    generateEvents({ total: n.e2e, duplicateShare: 0, poisonShare: 0, tenants: 8, seed: 3 }).unique,
  );
  const e2eOk = e2eRun.results.filter((r) => r.ok);
  const e2e = stats(
    e2eOk.map((r) => r.durationMs),
    e2eRun.seconds,
    e2eRun.results.length - e2eOk.length,
  );
  log(`e2e ${e2e.rps}/s p95 ${e2e.p95_ms} ms`);
  const e2eCpu = Object.fromEntries(Object.entries(e2eRun.cpuMs).map(([k, ms]) => [k, r2(ms / e2eRun.results.length)]));
  const e2eCpuTotal = r2(Object.values(e2eCpu).reduce((a, b) => a + b, 0));
  const e2eProfile = {
    cpu_ms_per_event: { ...e2eCpu, total: e2eCpuTotal },
    /** Of the graph database's CPU per event, what its JIT compilers used (near 0 once the JVM is warm). */
    neo4j_jit_ms_per_event: r2(e2eRun.jitMs / e2eRun.results.length),
    cores_busy: r2((e2eCpuTotal * e2eRun.results.length) / 1000 / e2eRun.seconds),
  };
  log(
    `e2e CPU per event (ms): ${JSON.stringify(e2eProfile.cpu_ms_per_event)} (of neo4j's, JIT ` +
      `${e2eProfile.neo4j_jit_ms_per_event}); cores busy ${e2eProfile.cores_busy}`,
  );

  // Lag at 2× the stated peak for minutes (the target), then at 2× this run's own e2e rate for a short while (how
  // fast lag grows past capacity; no target — it grows by construction).
  const lag = await lagRun(2 * peakPerS['er-lag'], n.lagPeakS, 4);
  const overload = await lagRun(Math.max(1, Math.round(2 * e2e.rps)), n.lagS, 6);

  // Stage profile, sequential: what one event costs in each store.
  const ledger = new DynamoDbAuditLedger({ client: ddb, tableName: tableName('local', tables.auditLedger) });
  const prof = {
    idempotencyPut: [] as number[],
    graphTx: [] as number[],
    ledgerChain: [] as number[],
  };
  const chain = ledgerChainer(driver, ledger);
  const models = storedModels(driver);
  for (const env of generateEvents({ total: n.profile, duplicateShare: 0, poisonShare: 0, tenants: 1, seed: 5 })
    .unique) {
    let s = performance.now();
    await ddb.send(
      new PutItemCommand({
        TableName: idempotencyTable,
        Item: { id: { S: `prof#${env.eventId}` }, status: { S: 'INPROGRESS' } },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    prof.idempotencyPut.push(performance.now() - s);
    s = performance.now();
    const { entry } = await applyEvent(
      driver,
      env,
      defaultErConfig,
      await models.modelFor(env.tenant, env.record.kind),
    );
    prof.graphTx.push(performance.now() - s);
    s = performance.now();
    // A fresh decision always carries its outbox entry.
    await chain(env.tenant, entry!);
    prof.ledgerChain.push(performance.now() - s);
  }
  const profile = Object.fromEntries(
    Object.entries(prof).map(([k, v]) => [k, { p50_ms: r2(pct(v, 50)), p95_ms: r2(pct(v, 95)) }]),
  );
  await driver.close();

  const ratio = r2(intake.rps / raw.rps);
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const result = {
    name: 'ingest',
    at,
    commit: runCommit(),
    dirty: runDirty(),
    command: `npm run bench:ingest${quick ? ' -- --quick' : ''}`,
    machine: { cpus: cpus().length, node: process.version },
    params,
    cases: { intake, 'raw-put': raw, e2e, 'intake-incl-complete': intakeFull },
    jvmWarmup,
    lag,
    lagOverload: overload,
    profile,
    e2eProfile,
    storeWritesPerEvent: {
      idempotency: 1,
      neo4jTx: r2(2 / e2eGroup),
      note:
        'first-time event: one idempotency key put, a share of one grouped effect tx (which also writes the ' +
        "decision's ledger entry, the outbox) and of one grouped tx recording the appended entries' seqs (up to " +
        "ER_GRAPH_BATCH events each; neo4jTx assumes full groups); per batch of one tenant's entries, one ledger " +
        'put (a block of entries), one ledger query and one graph read of which decisions are already recorded',
    },
    ratios: { 'intake/raw-put rps': ratio },
    notes: [
      "e2e, lag and the stage profile run after the graph JVM warm-up (jvmWarmup): windows of other tenants' events " +
        `through the same worker until Neo4j's JIT compilers spend < ${jitSettledMsPerEvent} ms per event; its first ` +
        'window is the cold figure (a database just started); e2eProfile.neo4j_jit_ms_per_event is what the JIT still ' +
        'took while e2e was measured.',
      '2 cores shared by the twin, the worker and the producer: events/s are noisy; CPU per event less so.',
    ],
    targets: [
      { what: 'intake events/s per worker', op: '>=', value: 1000, measured: intake.rps, pass: intake.rps >= 1000 },
      {
        what: 'intake p95 ms before graph write',
        op: '<=',
        value: 100,
        measured: intake.p95_ms,
        pass: intake.p95_ms <= 100,
      },
      { what: 'intake/raw-put rps', op: '>=', value: 0.4, measured: ratio, pass: ratio >= 0.4 },
      {
        what: `lag p95 ms at 2x the stated peak (${lag.offered_per_s} events/s) for ${n.lagPeakS} s`,
        op: '<',
        value: 60000,
        measured: lag.p95_ms,
        pass: lag.p95_ms < 60000,
      },
      { what: 'ER e2e events/s per worker', op: '>=', value: 200, measured: e2e.rps, pass: e2e.rps >= 200 },
    ],
  };
  console.table(Object.fromEntries(Object.entries(result.cases).map(([k, v]) => [k, v])));
  console.table(profile);
  console.table(jvmWarmup.windows);
  console.log(
    JSON.stringify({ jvmWarmupSettled: jvmWarmup.settled, lag, lagOverload: overload, ratios: result.ratios }, null, 1),
  );
  console.table(result.targets);
  const dir = join(repoRoot, 'evidence', 'perf');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, `ingest-${at.replace(/[-:]/g, '')}.json`), text);
  writeFileSync(join(dir, 'ingest-latest.json'), text);
} finally {
  sqs.destroy();
  ddb.destroy();
  await twin.stop();
  rmSync(twin.runDir, { recursive: true, force: true });
}
