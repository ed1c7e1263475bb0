/**
 * `npm run bench:review [-- --quick]`: the review queue with 5,000 open candidates over several tenants, through the
 * real edge and origin processes over HTTP (JWT, persisted operations, policy, Neo4j):
 *   queue-first-page — ReviewQueue (first 25, four orders) at a constant arrival rate (vegeta), every tenant
 *   detail           — ReviewCandidate of distinct candidates at a constant arrival rate
 *   bulk-accept-100  — DecideReviews of 100 candidates (ACCEPT: 100 merges) with a step-up grant, one call at a time
 *   live-edge        — commit of a candidate by the ER worker → its event read from the edge's SSE stream
 *   live-stream      — the same commits → the event read straight from the Redis stream (the baseline)
 * The machine is 2 shared cores: figures are noisy; compare cases of one run, not runs.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrateEr } from '../functions/core/er/migrations.js';
import { createDriver, migrate } from '../functions/core/graph/index.js';
import { startEdge, startErWorker, startOrigin, startStepup } from '../infra/local/apps.js';
import { type DevKeys, ensureDevKeys } from '../infra/local/dev-keys.js';
import { devToken } from '../infra/local/dev-token.js';
import { persistedQueryBody } from '../infra/local/origin-request.js';
import { SoftAuthenticator } from '../infra/local/passkey/soft-authenticator.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { freePort } from '../infra/local/process.js';
import { startScratchTwin } from '../infra/local/twin.js';
import { type CaseResult, refuseDirtyTree, report, summarise, target } from './evidence.js';
import { measureLive } from './review/live.js';
import { seedCandidates } from './review/seed.js';
import { attack, reportCase, type VegetaTarget } from './vegeta.js';

const quick = process.argv.includes('--quick');
const allowDirty = process.argv.includes('--allow-dirty');
const params = quick
  ? { tenants: 2, perTenant: 150, queueRate: 5, detailRate: 8, loadS: 5, bulkRounds: 1, pairsPerS: 2, liveS: 5 }
  : { tenants: 5, perTenant: 1_000, queueRate: 10, detailRate: 15, loadS: 30, bulkRounds: 2, pairsPerS: 2, liveS: 30 };
const reviewer = { roles: ['investigator'], clearances: ['pii'] };

/** A reviewer's session: a token and a way to get step-up grants from the step-up server with a software passkey. */
async function session(tenant: string, stepUpUrl: string, pageOrigin: string) {
  const sid = `bench-${tenant}`;
  const token = await devToken({ tenant, sub: `reviewer-${tenant}`, sid, ...reviewer, ttlS: 3600 });
  const authenticator = new SoftAuthenticator({ origin: pageOrigin });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${stepUpUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`step-up ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  let registered = false;
  return {
    token,
    async grant(scopes: string[]): Promise<string> {
      if (!registered) {
        const reg = await post('/stepup/register/options', {});
        await post('/stepup/register/verify', {
          challengeId: reg.challengeId,
          response: await authenticator.register(reg.options),
        });
        registered = true;
      }
      const auth = await post('/stepup/authenticate/options', { scopes });
      return (
        await post('/stepup/authenticate/verify', {
          challengeId: auth.challengeId,
          response: await authenticator.authenticate(auth.options),
        })
      ).grant;
    },
  };
}

/** Accepts 100 candidates per call; a call whose outcomes are not all DONE counts as an error. */
async function bulkAccept(edgeUrl: string, s: Awaited<ReturnType<typeof session>>, batches: string[][]) {
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (const ids of batches) {
    const grant = await s.grant(['mutate:merge']);
    const t0 = performance.now();
    const res = await fetch(edgeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', 'x-gg-step-up-grant': grant },
      body: persistedQueryBody('DecideReviews', { ids, decision: 'ACCEPT', reason: 'bench:review bulk accept' }),
    });
    const json = (await res.json()) as { data?: { decideReviews?: { succeeded: number } } };
    samples.push(performance.now() - t0);
    if (json.data?.decideReviews?.succeeded !== ids.length) {
      errors++;
      console.error(`bulk accept: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    }
  }
  return summarise(samples, performance.now() - started, errors);
}

/** What went wrong in a vegeta result file: status codes and error texts (printed when a case fails). */
function vegetaFailures(vegeta: string, dir: string, out: string): string {
  const r = JSON.parse(execFileSync(vegeta, ['report', '-type=json', join(dir, out)], { encoding: 'utf8' })) as {
    status_codes: Record<string, number>;
    errors: string[];
  };
  return `${out}: status ${JSON.stringify(r.status_codes)}, errors ${JSON.stringify(r.errors.slice(0, 5))}`;
}

/** A case whose reading could not be taken fails the run: nothing is recorded as zero. */
function mustHave(name: string, c: CaseResult, expected: number): CaseResult {
  if (c.n < expected || c.errors > 0 || !Number.isFinite(c.p95_ms)) {
    throw new Error(`${name}: ${c.n} of ${expected} readings, ${c.errors} errors — the case has no valid reading`);
  }
  return c;
}

async function main() {
  refuseDirtyTree('bench:review', allowDirty);
  const twin = await startScratchTwin('bench-review', { neo4jPageCache: '512m' });
  const { runDir } = twin;
  const stops: (() => Promise<void>)[] = [() => twin.stop()];
  try {
    const e = twin.endpoints;
    const driver = createDriver(e.neo4jUri);
    await migrate(driver);
    await migrateEr(driver);
    const tenants = Array.from({ length: params.tenants }, (_, i) => `bench-review-t${i}`);
    const seedStart = performance.now();
    const reviews = await seedCandidates(driver, tenants, params.perTenant);
    console.log(
      `seeded ${params.tenants * params.perTenant} open candidates in ${Math.round((performance.now() - seedStart) / 1000)} s`,
    );
    const seedS = (performance.now() - seedStart) / 1000;
    await driver.close();
    await buildPolicies();

    const keys: DevKeys = ensureDevKeys();
    const ports = {
      origin: await freePort(),
      edge: await freePort(),
      stepUp: await freePort(),
      worker: await freePort(),
    };
    const origin = await startOrigin(runDir, e, keys, ports.origin);
    stops.unshift(() => origin.stop());
    const edge = await startEdge(runDir, e, keys, ports, {
      rateLimits: { tenant: { requests: 10_000_000, windowS: 60 }, subject: { requests: 10_000_000, windowS: 60 } },
      // A bulk accept of 100 is 100 merges in one call: longer than the edge's 10 s default on a busy machine.
      timeouts: { cacheMs: 250, originMs: 120_000 },
    });
    stops.unshift(() => edge.stop());
    const stepUp = await startStepup(runDir, e, keys, ports);
    stops.unshift(() => stepUp.stop());
    const worker = await startErWorker(runDir, e, ports.worker);
    stops.unshift(() => worker.stop());
    const edgeUrl = `http://127.0.0.1:${ports.edge}/graphql`;
    const stepUpUrl = `http://127.0.0.1:${ports.stepUp}`;
    // The passkey's client data names the page origin the step-up service trusts (rpID localhost).
    const pageOrigin = `http://localhost:${ports.stepUp}`;

    const sessions = Object.fromEntries(
      await Promise.all(tenants.map(async (t) => [t, await session(t, stepUpUrl, pageOrigin)] as const)),
    );
    const header = (t: string) => ({
      authorization: [`Bearer ${sessions[t]!.token}`],
      'content-type': ['application/json'],
    });
    const queueTargets: VegetaTarget[] = tenants.flatMap((t) =>
      ['OLDEST', 'NEWEST', 'PROBABILITY_DESC', 'PROBABILITY_ASC'].map((orderBy) => ({
        method: 'POST' as const,
        url: edgeUrl,
        header: header(t),
        body: persistedQueryBody('ReviewQueue', { first: 25, orderBy }),
      })),
    );
    // Detail of distinct candidates (the ones bulk-accepted later are left out, so every read finds an open one).
    const bulkIds = Object.fromEntries(tenants.map((t) => [t, reviews[t]!.slice(0, 100 * params.bulkRounds)]));
    const detailTargets: VegetaTarget[] = tenants.flatMap((t) =>
      reviews[t]!.slice(100 * params.bulkRounds).map((id) => ({
        method: 'POST' as const,
        url: edgeUrl,
        header: header(t),
        body: persistedQueryBody('ReviewCandidate', { id }),
      })),
    );
    const check = await fetch(edgeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${sessions[tenants[0]!]!.token}`, 'content-type': 'application/json' },
      body: queueTargets[0]!.body,
    });
    const first = (await check.json()) as { data?: { reviewQueue?: { totalCount: number } } };
    if (first.data?.reviewQueue?.totalCount !== params.perTenant) {
      throw new Error(
        `tenant ${tenants[0]} lists ${first.data?.reviewQueue?.totalCount} open candidates, not ${params.perTenant}: ${check.status} ${JSON.stringify(first).slice(0, 400)}`,
      );
    }

    // Warm-up, then each read case at its constant arrival rate.
    await attack({ vegeta: e.vegetaBin, targets: queueTargets, dir: runDir, out: 'warm', rate: 10, durationS: 3 });
    await attack({
      vegeta: e.vegetaBin,
      targets: queueTargets,
      dir: runDir,
      out: 'queue',
      rate: params.queueRate,
      durationS: params.loadS,
    });
    await attack({
      vegeta: e.vegetaBin,
      targets: detailTargets,
      dir: runDir,
      out: 'detail',
      rate: params.detailRate,
      durationS: params.loadS,
    });
    for (const out of ['queue', 'detail']) console.log(vegetaFailures(e.vegetaBin, runDir, out));
    const queue = mustHave(
      'queue-first-page',
      await reportCase(e.vegetaBin, runDir, ['queue']),
      params.queueRate * params.loadS,
    );
    const detail = mustHave(
      'detail',
      await reportCase(e.vegetaBin, runDir, ['detail']),
      params.detailRate * params.loadS,
    );

    const bulkBatches = tenants.flatMap((t) =>
      Array.from({ length: params.bulkRounds }, (_, r) => ({ t, ids: bulkIds[t]!.slice(r * 100, r * 100 + 100) })),
    );
    const bulkSamples: CaseResult[] = [];
    for (const b of bulkBatches) bulkSamples.push(await bulkAccept(edgeUrl, sessions[b.t]!, [b.ids]));
    const bulkAll = bulkSamples.flatMap((c) => Array.from({ length: c.n }, () => c.mean_ms));
    const bulk = mustHave(
      'bulk-accept-100',
      {
        ...summarise(
          bulkAll,
          bulkAll.reduce((a, b) => a + b, 0),
          bulkSamples.reduce((a, c) => a + c.errors, 0),
        ),
        // Closed loop: one call at a time.
        workers: 1,
        items: 100,
      },
      bulkBatches.length,
    );

    const live = await measureLive({
      endpoints: e,
      edgeUrl,
      tokens: Object.fromEntries(tenants.map((t) => [t, sessions[t]!.token])),
      pairsPerS: params.pairsPerS,
      durationS: params.liveS,
    });
    const liveEdge = mustHave(
      'live-edge',
      summarise(live.edge, live.wallMs, live.expected - live.edge.length),
      live.expected,
    );
    const liveStream = mustHave(
      'live-stream',
      summarise(live.stream, live.wallMs, live.expected - live.stream.length),
      live.expected,
    );

    const withModel = (c: CaseResult, rate: number, keys: number): CaseResult => ({
      ...c,
      model_rate_per_s: rate,
      keys,
      tenants: tenants.length,
    });
    report({
      name: 'review',
      command: `npm run bench:review${quick ? ' -- --quick' : ''}`,
      params: {
        ...params,
        openCandidates: params.tenants * params.perTenant,
        seedS: Math.round(seedS),
        loadgen:
          'vegeta 12.13.0 at constant rates (open model) for reads; bulk calls one at a time; live pairs sent at a constant rate',
        machine: '2 cores shared with other sessions and their twins: noisy',
      },
      cases: {
        'queue-first-page': withModel(queue, params.queueRate, queueTargets.length),
        detail: withModel(detail, params.detailRate, detailTargets.length),
        'bulk-accept-100': bulk,
        'live-edge': { ...withModel(liveEdge, params.pairsPerS, live.expected), pairs_sent: live.sent },
        'live-stream': withModel(liveStream, params.pairsPerS, live.expected),
      },
      ratios: { 'live edge/stream p95': liveEdge.p95_ms / liveStream.p95_ms },
      targets: [
        target('live-edge p95 ms (commit → event at the client)', '<=', 250, liveEdge.p95_ms),
        target('queue-first-page p95 ms', '<=', 350, queue.p95_ms),
        target('detail p95 ms', '<=', 350, detail.p95_ms),
      ],
      notes: [
        'bulk-accept-100: each call accepts 100 candidates (100 merges, each in its own transaction, audited) after one step-up ceremony; the ceremony is not timed',
        'live: latency from the worker stamping committedAt after its Neo4j commit to the SSE event parsed by this process (same clock); the stream baseline polls Redis with the same adaptive interval (40 ms while the queue is busy, backing off to 250 ms when quiet)',
      ],
    });
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
