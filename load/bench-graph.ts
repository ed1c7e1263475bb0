/**
 * `npm run bench:graph [-- --quick] [--allow-dirty]`: 1/2/3-hop neighbourhood reads on the 100k-entity / 500k-edge
 * graph, in one run, three ways over the same Neo4j and the same centres:
 *   origin — the origin over HTTP (request signed with the twin's dev key → yoga → resolvers → repository → Neo4j,
 *            response cache off so every call reaches the graph);
 *   raw    — the repository's Cypher straight through neo4j-driver (the baseline the origin's overhead is read against);
 *   peer   — `@neo4j/graphql` 7 (load/neo4j-graphql-peer-server.ts), a walk `hops` deep and then the relationships
 *            among the members it found; its members and relationships are checked equal to the origin's first.
 * Centres are drawn across the whole degree distribution (quantiles of the centre's degree plus the top hubs); a
 * centre whose neighbourhood exceeds the row cap must be refused as RESULT_TOO_LARGE by the origin and raw alike and
 * is counted per hop, and the rest are timed:
 *   - sequential, interleaved (one request at a time, rotating which goes first): origin vs raw vs peer;
 *   - open model (vegeta, constant arrival rate per hop count): origin vs peer — the latency figures;
 *   - closed loop (vegeta, 8 workers): origin vs peer — a separate max-throughput figure.
 * The peer is not kept waiting on where it cannot answer (load/peer-budget.ts): a centre it failed is not sent again,
 * and a hop count where it failed a few requests without as many answers sends it nothing more; each request not sent
 * counts as failed at the peer timeout, and the coverage says what was not sent and why.
 * Seeds 100k entities / 500k edges over 3 tenants on first use and reuses them (~/.cache/graphgate/bench-graph).
 * A dirty work tree is refused unless `--allow-dirty`; evidence from `--quick` or a dirty tree is never committed.
 */

import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import neo4j, { type Driver } from 'neo4j-driver';
import { entityDegreesCypher } from '../functions/core/graph/cypher/tooling.js';
import {
  allRelTypes,
  createDriver,
  maxNeighborhoodRels,
  migrate,
  neighborsCypher,
  toNumber,
} from '../functions/core/graph/index.js';
import { startNeo4j } from '../infra/local/neo4j.js';
import { signedOriginRequest } from '../infra/local/origin-request.js';
import { cacheDir, repoRoot } from '../infra/local/paths.js';
import { freePort, spawnComponent } from '../infra/local/process.js';
import { seedGraph, seedTenant } from '../infra/local/seed/graph.js';
import { installGoTools } from '../infra/local/tools.js';
import { type CaseResult, refuseDirtyTree, report, summarise, target } from './evidence.js';
import { inProcessOrigin } from './graph-origin.js';
import { notSentCase, PeerBudget, peerGiveUp } from './peer-budget.js';
import { attack, reportCase, type VegetaTarget } from './vegeta.js';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
type Hops = 1 | 2 | 3;
const hopCounts = [1, 2, 3] as const;
const params = {
  tenants: 3,
  entities: 100_000,
  edges: 500_000,
  seed: 42,
  limit: 500,
  /** Centres drawn per hop count: quantiles of the centre degree, plus the highest-degree entities. */
  quantiles: quick ? 16 : 60,
  topHubs: quick ? 3 : 10,
  /** Fewest centres timed per hop count: more are tried, evenly over the degree ranks, until this many fit. */
  minTimed: quick ? 6 : 30,
  extraCenters: 400,
  /** Sequential samples per hop count (after the warm-up), each of the three in turn. */
  sequential: (quick ? { 1: 40, 2: 30, 3: 8 } : { 1: 600, 2: 400, 3: 100 }) as Record<Hops, number>,
  warmup: (quick ? { 1: 10, 2: 5, 3: 2 } : { 1: 60, 2: 40, 3: 10 }) as Record<Hops, number>,
  /** Centres whose peer answer is checked per hop count (all in a full run; a 3-hop peer answer takes seconds). */
  peerChecks: (quick ? { 1: 100, 2: 100, 3: 3 } : { 1: 1000, 2: 1000, 3: 1000 }) as Record<Hops, number>,
  /**
   * A peer request slower than this fails (counted against the peer, never waited on for ever); the peer stops its
   * own work at the same deadline. A centre it failed is not sent again, and after a few failures without as many
   * answers it is given up at that hop count (load/peer-budget.ts), so a full run ends in minutes, not hours.
   */
  peerTimeoutMs: quick ? 20_000 : 30_000,
  /** Open-model arrival rate per hop count (req/s), each server in turn. */
  openRate: { 1: 20, 2: 5, 3: 1 } as Record<Hops, number>,
  // Signed origin requests are valid for 30 s from signing: an attack must end well within that.
  openDurationS: quick ? 6 : 20,
  closedWorkers: 8,
  closedDurationS: quick ? 4 : 15,
};

const claims = {
  subject: 'bench',
  attributes: { roles: ['investigator'], clearances: ['pii', 'financial'] },
};

/** A neighbourhood as sets: member ids and relationships as `TYPE from->to id`, both sorted. */
interface Answer {
  entities: string[];
  relationships: string[];
}
type Outcome = Answer | 'RESULT_TOO_LARGE' | null;

const rel = (r: { type: string; from: string; to: string; id: string }) => `${r.type} ${r.from}->${r.to} ${r.id}`;
const answerOf = (n: { entities: { id: string }[]; relationships: Parameters<typeof rel>[0][] }): Answer => ({
  entities: n.entities.map((e) => e.id).sort(),
  relationships: n.relationships.map(rel).sort(),
});
const same = (a: Outcome, b: Outcome) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Centres across the degree distribution: one per quantile of degree (the bulk, lowest to highest), one per power of
 * two of degree up to the largest hub (the tail, which quantiles would all but skip), and the top hubs themselves.
 */
async function drawCenters(driver: Driver, tenant: string) {
  const { records } = await driver.executeQuery(
    entityDegreesCypher.cypher,
    { tenant },
    { routing: neo4j.routing.READ },
  );
  const all = records.map((r) => ({ id: String(r.get('id')), degree: toNumber(r.get('degree')) }));
  const picked = new Map<string, number>();
  for (let q = 0; q < params.quantiles; q++) {
    const e = all[Math.min(all.length - 1, Math.floor(((q + 0.5) / params.quantiles) * all.length))]!;
    picked.set(e.id, e.degree);
  }
  for (let d = 16; d <= all.at(-1)!.degree; d *= 2) {
    const e = all.find((x) => x.degree >= d)!;
    picked.set(e.id, e.degree);
  }
  for (const e of all.slice(-params.topHubs)) picked.set(e.id, e.degree);
  const drawn = [...picked].map(([id, degree]) => ({ id, degree }));
  // More centres, evenly spread over the degree ranks, tried only while too few of the drawn ones fit the row cap
  // (at 3 hops most of the distribution is over it).
  const stride = Math.max(1, Math.floor(all.length / params.extraCenters));
  const extra = all
    .filter((e, i) => i % stride === Math.floor(stride / 3) && !picked.has(e.id))
    // Golden-ratio order: any prefix is spread over the whole range instead of starting at the lowest degrees.
    .map((e, i) => ({ e, k: (i * 0.618034) % 1 }))
    .sort((a, b) => a.k - b.k)
    .map(({ e }) => e);
  return { drawn, extra };
}

async function main() {
  refuseDirtyTree('bench:graph', args['allow-dirty']);
  const t0 = Date.now();
  const runDir = join(cacheDir, 'bench-graph');
  const scratch = join(runDir, 'run');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const { vegeta } = await installGoTools();
  const stops: (() => Promise<unknown>)[] = [];
  const neo = await startNeo4j(
    { runDir, cacheDir, persistent: true },
    { port: await freePort(), pageCache: '2g', heap: '2g' },
  );
  stops.unshift(() => neo.stop());
  const driver = createDriver(neo.url);
  stops.unshift(() => driver.close());
  try {
    await migrate(driver);
    const seeded = await seedGraph(driver, { ...params, batchSize: 5_000 });
    console.log(
      `graph ready: ${params.entities} entities / ${params.edges} edges (${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(seeded.tenants)})`,
    );
    const tenant = seedTenant(params.seed, 0);
    const { yoga, signing } = await inProcessOrigin(driver);
    const originPort = await freePort();
    const originServer = createServer(yoga);
    originServer.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => originServer.listen(originPort, '127.0.0.1', resolve));
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          originServer.close(() => resolve());
          originServer.closeAllConnections();
        }),
    );
    const originUrl = `http://127.0.0.1:${originPort}/graphql`;
    const peerPort = await freePort();
    const peer = await spawnComponent({
      name: '@neo4j/graphql peer',
      command: process.execPath,
      args: [
        require.resolve('tsx/cli'),
        join(repoRoot, 'load/neo4j-graphql-peer-server.ts'),
        '--port',
        String(peerPort),
        '--neo4j',
        neo.url,
        '--timeout-ms',
        String(params.peerTimeoutMs),
      ],
      port: peerPort,
      url: `http://127.0.0.1:${peerPort}/neighborhood`,
      logFile: join(scratch, 'peer.log'),
      readyLine: /GRAPHGATE_PEER_READY/,
      timeoutMs: 60_000,
    });
    stops.unshift(() => peer.stop());

    const originRequest = (id: string, hops: Hops) =>
      signedOriginRequest({
        url: originUrl,
        key: signing,
        operation: 'Neighbors',
        variables: { id, hops, limit: params.limit },
        claims: { tenant, ...claims },
      });
    const peerBody = (id: string, hops: Hops, timeoutMs?: number) => JSON.stringify({ tenant, id, hops, timeoutMs });

    /** The origin's answer; throws on anything but data or RESULT_TOO_LARGE. */
    /** `signed`: a request signed beforehand (the edge's work), so that only the origin's part is timed. */
    async function fromOrigin(id: string, hops: Hops, signed?: Request): Promise<Outcome> {
      const res = await fetch(signed ?? (await originRequest(id, hops)));
      const body = (await res.json()) as {
        data?: { neighbors: Parameters<typeof answerOf>[0] | null };
        errors?: { extensions?: { code?: string } }[];
      };
      if (body.errors?.[0]?.extensions?.code === 'RESULT_TOO_LARGE') return 'RESULT_TOO_LARGE';
      if (res.status !== 200 || body.errors || !body.data) throw new Error(`origin ${id}: ${JSON.stringify(body)}`);
      return body.data.neighbors && answerOf(body.data.neighbors);
    }
    async function fromRaw(id: string, hops: Hops): Promise<Outcome> {
      const res = await driver.executeQuery(
        neighborsCypher[hops].cypher,
        {
          tenant,
          id,
          relTypes: allRelTypes,
          limitPlusOne: neo4j.int(params.limit + 1),
          relLimitPlusOne: neo4j.int(maxNeighborhoodRels + 1),
          now: neo4j.int(Date.now()),
        },
        { routing: neo4j.routing.READ },
      );
      const [first, ...rows] = res.records;
      if (!first) return null;
      if (toNumber(first.get('members')) > params.limit) return 'RESULT_TOO_LARGE';
      const entities = rows.flatMap((r) => (r.get('entity') ? [String((r.get('entity') as { id: string }).id)] : []));
      const rels = rows.flatMap((r) => {
        const x = r.get('rel') as { type: string; from: string; to: string; props: { id: string } } | null;
        return x ? [rel({ ...x, id: x.props.id })] : [];
      });
      return { entities: entities.sort(), relationships: rels.sort() };
    }
    async function fromPeer(id: string, hops: Hops, timeoutMs = params.peerTimeoutMs): Promise<Outcome> {
      const res = await fetch(peer.url, {
        method: 'POST',
        body: peerBody(id, hops, timeoutMs),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json()) as { data?: Parameters<typeof answerOf>[0] | null; error?: string };
      if (res.status !== 200 || body.data === undefined) throw new Error(`peer ${id}: ${JSON.stringify(body)}`);
      return body.data && answerOf(body.data);
    }

    const { drawn, extra } = await drawCenters(driver, tenant);
    const cases: Record<string, CaseResult> = {};
    const coverage: Record<string, unknown> = {};
    let mismatches = 0;
    let peerUnchecked = 0;
    for (const hops of hopCounts) {
      // Every drawn centre: the origin and raw must agree (answer or refusal); the peer must give the same answer.
      const timed: { id: string; degree: number; members: number }[] = [];
      let refused = 0;
      let peerChecked = 0;
      let peerFailed = 0;
      let peerNotSent = 0;
      let tried = 0;
      // Shared by the checks and the sequential samples at this hop count; vegeta's attacks only read it.
      const budget = new PeerBudget();
      // The peer's first request at a hop count has Neo4j plan its generated Cypher (hundreds of kB at 3 hops): one
      // warm-up with twice the timeout, not counted, so a cold plan is not taken for a centre it cannot answer.
      const warm = performance.now();
      const peerWarmup = await fromPeer(drawn[0]!.id, hops, 2 * params.peerTimeoutMs).then(
        () => ({ answered: true, ms: Math.round(performance.now() - warm) }),
        (error: Error) => ({ answered: false, ms: Math.round(performance.now() - warm), error: error.message }),
      );
      for (const c of [...drawn, ...extra]) {
        if (tried >= drawn.length && timed.length >= params.minTimed) break;
        tried++;
        const [o, r] = [await fromOrigin(c.id, hops), await fromRaw(c.id, hops)];
        if (!same(o, r)) {
          mismatches++;
          console.error(`origin and raw differ for ${c.id} at ${hops} hops`);
          continue;
        }
        if (o === 'RESULT_TOO_LARGE') {
          refused++;
          continue;
        }
        if (!o) continue;
        timed.push({ ...c, members: o.entities.length });
        if (peerChecked >= params.peerChecks[hops]) continue;
        peerChecked++;
        if (budget.shouldSend(c.id) !== true) {
          peerNotSent++;
          continue;
        }
        const p = await fromPeer(c.id, hops).catch((error: Error) => {
          peerFailed++;
          console.error(`@neo4j/graphql failed for ${c.id} at ${hops} hops: ${error.message}`);
          return 'failed' as const;
        });
        budget.record(c.id, p !== 'failed');
        if (p !== 'failed' && !same(o, p)) {
          mismatches++;
          console.error(`@neo4j/graphql differs from the origin for ${c.id} at ${hops} hops`);
        }
      }
      // A check the peer was not sent is as unchecked as one it failed.
      peerUnchecked += peerFailed + peerNotSent;
      if (timed.length === 0) throw new Error(`no centre fits the row cap at ${hops} hops`);
      const degrees = timed.map((c) => c.degree).sort((a, b) => a - b);
      coverage[`${hops}hop`] = {
        drawn: drawn.length,
        tried,
        refusedOverCap: refused,
        timed: timed.length,
        peerChecked,
        peerFailed,
        peerNotSent,
        peerWarmup,
        centreDegreeMin: degrees[0],
        centreDegreeMedian: degrees[Math.floor(degrees.length / 2)],
        centreDegreeMax: degrees.at(-1),
        membersMax: Math.max(...timed.map((c) => c.members)),
      };
      console.log(`${hops} hops: ${JSON.stringify(coverage[`${hops}hop`])}`);

      // Sequential, interleaved: one request at a time, rotating which of the three goes first.
      // Each runner prepares its request untimed and returns the timed part: the origin's request is signed first, as
      // the edge signs it and as the open and closed cases send it pre-signed (signing is the edge's CPU, not the origin's).
      const runners: [string, (id: string) => Promise<() => Promise<unknown>>][] = [
        [
          'origin',
          async (id) => {
            const signed = await originRequest(id, hops);
            return () => fromOrigin(id, hops, signed);
          },
        ],
        ['raw', async (id) => () => fromRaw(id, hops)],
        ['peer', async (id) => () => fromPeer(id, hops)],
      ];
      const samples = new Map(runners.map(([k]) => [k, { ms: [] as number[], wall: 0, errors: 0, notSent: 0 }]));
      const [n, warmup] = [params.sequential[hops], params.warmup[hops]];
      for (let i = 0; i < warmup + n; i++) {
        const id = timed[i % timed.length]!.id;
        for (let j = 0; j < runners.length; j++) {
          const [k, fn] = runners[(i + j) % runners.length]!;
          const acc = samples.get(k)!;
          // A request the peer is not sent fails at the timeout, as it would have if sent.
          if (k === 'peer' && budget.shouldSend(id) !== true) {
            if (i < warmup) continue;
            acc.ms.push(params.peerTimeoutMs);
            acc.errors++;
            acc.notSent++;
            continue;
          }
          const send = await fn(id);
          const s = performance.now();
          const failed = await send().then(
            () => false,
            () => true,
          );
          const ms = performance.now() - s;
          if (k === 'peer') budget.record(id, !failed);
          if (i < warmup) continue;
          acc.ms.push(ms);
          acc.wall += ms;
          if (failed) acc.errors++;
        }
      }
      for (const [k, acc] of samples) {
        cases[`${k}-${hops}hop-seq`] = {
          ...summarise(acc.ms, acc.wall + acc.notSent * params.peerTimeoutMs, acc.errors),
          ...(k === 'peer' ? { notSent: acc.notSent } : {}),
          centers: timed.length,
          workers: 1,
        };
      }

      // Open model (constant arrival rate) and closed loop, origin then peer, over the same centres in the same order.
      const count = Math.ceil(params.openRate[hops] * params.openDurationS) + 5;
      for (const [k, model] of [
        ['open', { rate: params.openRate[hops], durationS: params.openDurationS }],
        ['closed', { rate: 0, workers: params.closedWorkers, durationS: params.closedDurationS }],
      ] as const) {
        // Signed requests are single-use (nonce), so the origin gets one pre-signed target per request it may send.
        const originTargets: VegetaTarget[] = [];
        const total = k === 'open' ? count : params.closedDurationS * 600;
        for (let i = 0; i < total; i++) {
          const req = await originRequest(timed[i % timed.length]!.id, hops);
          originTargets.push({
            method: 'POST',
            url: originUrl,
            header: Object.fromEntries([...req.headers].map(([h, v]) => [h, [v]])),
            body: await req.text(),
          });
        }
        const peerTargets: VegetaTarget[] = timed.map((c) => ({
          method: 'POST',
          url: peer.url,
          header: { 'content-type': ['application/json'] },
          body: peerBody(c.id, hops),
        }));
        for (const [server, targets] of [
          ['origin', originTargets],
          ['peer', peerTargets],
        ] as const) {
          const out = `${server}-${hops}-${k}`;
          let c: CaseResult;
          if (server === 'peer' && budget.givenUp) c = notSentCase(model, params.peerTimeoutMs);
          else {
            // The peer's requests wait out its own timeout, as in the checks and the sequential case.
            const timeoutS = server === 'peer' ? params.peerTimeoutMs / 1000 : undefined;
            await attack({ vegeta, targets, dir: scratch, out, maxBody: 0, timeoutS, ...model });
            c = await reportCase(vegeta, scratch, [out]);
          }
          cases[`${server}-${hops}hop-${k}`] = {
            ...c,
            centers: timed.length,
            ...(k === 'open' ? { rate: model.rate } : { workers: params.closedWorkers }),
          };
        }
      }
      // What the peer was sent at this hop count, over the checks and sequential samples (warm-up included), and what
      // it was not: its not-sent requests are in its cases as failures at the timeout (`notSent`).
      const peerBudget = budget.summary();
      const why = {
        'centre-failed-before':
          'the peer had failed this centre already (same query over the same data: it would wait out the same timeout)',
        'hop-count-given-up': `the peer had failed ${peerBudget.failed} requests here against ${peerBudget.answered} answers, so it was sent nothing more at this hop count (its open and closed cases were not run)`,
      };
      coverage[`${hops}hop`] = {
        ...(coverage[`${hops}hop`] as object),
        peer: {
          ...peerBudget,
          notSentWhy: Object.fromEntries(
            Object.entries(why).filter(([r]) => peerBudget.notSent[r as keyof typeof why] > 0),
          ),
        },
      };
      if (peerBudget.givenUp) console.log(`${hops} hops: @neo4j/graphql given up: ${JSON.stringify(peerBudget)}`);
    }

    const p95 = (c: string) => cases[c]!.p95_ms;
    const ratios: Record<string, number> = {};
    for (const h of hopCounts) {
      ratios[`origin/raw p95 ${h}hop (seq)`] = p95(`origin-${h}hop-seq`) / p95(`raw-${h}hop-seq`);
      ratios[`origin/peer p95 ${h}hop (open)`] = p95(`origin-${h}hop-open`) / p95(`peer-${h}hop-open`);
      ratios[`origin/peer p95 ${h}hop (seq)`] = p95(`origin-${h}hop-seq`) / p95(`peer-${h}hop-seq`);
      ratios[`origin/peer rps ${h}hop (closed, ${params.closedWorkers} workers)`] =
        cases[`origin-${h}hop-closed`]!.rps / cases[`peer-${h}hop-closed`]!.rps;
    }
    // The peer's failures (timeouts at 3 hops) show in its own cases; this target is about the origin and raw.
    const errors = Object.entries(cases)
      .filter(([k]) => !k.startsWith('peer-'))
      .reduce((a, [, c]) => a + c.errors, 0);
    report({
      name: 'graph',
      command: `npm run bench:graph${quick ? ' -- --quick' : ''}`,
      params: {
        ...params,
        neo4j: '5.26 harness, 2g page cache, 2g heap',
        cache: 'off (every call reaches Neo4j)',
        origin: 'in-process yoga on node:http (signed persisted query)',
        peer: '@neo4j/graphql 7.6.3 (walk + relationships among members), separate process',
        coverage,
      },
      cases,
      ratios,
      notes: [
        'origin/peer p95 where the peer case has errors: its failed requests count at the timeout, so the peer p95 is a lower bound and the ratio an upper bound',
        'origin/peer rps (closed): vegeta counts successful responses only; Infinity means the peer completed none',
        `requests the peer was not sent (params.coverage.<hops>.peer: a centre it had failed, or a hop count where it failed ${peerGiveUp.giveUpAfter} requests without as many answers or ${peerGiveUp.giveUpAlways} in all) count as failed at the peer timeout (${params.peerTimeoutMs} ms) in its cases (notSent), so its p95 there is a lower bound; checks not sent count as unchecked`,
      ],
      targets: [
        target('answers: origin = raw = @neo4j/graphql (mismatches)', '<=', 0, mismatches),
        target('@neo4j/graphql answers left unchecked (peer failed or timed out)', '<=', 0, peerUnchecked),
        target('failed requests (origin, raw)', '<=', 0, errors),
        ...hopCounts.flatMap((h) => [
          target(`origin/raw p95 ${h}hop (seq)`, '<=', 1.5, ratios[`origin/raw p95 ${h}hop (seq)`]!),
          target(`origin/peer p95 ${h}hop (open)`, '<=', 1.0, ratios[`origin/peer p95 ${h}hop (open)`]!),
          target(`origin/peer p95 ${h}hop (seq)`, '<=', 1.0, ratios[`origin/peer p95 ${h}hop (seq)`]!),
          target(`origin-${h}hop p95 ms (open)`, '<=', h === 1 ? 15 : 60, p95(`origin-${h}hop-open`)),
        ]),
        // The seed's own service levels beside the tighter local targets.
        ...hopCounts.flatMap((h) => [
          target(`seed SLO: Neo4j ${h}hop p95 ms (raw, seq)`, '<=', h === 1 ? 300 : 1200, p95(`raw-${h}hop-seq`)),
          target(`seed SLO: read p95 ms ${h}hop (origin, open)`, '<=', 350, p95(`origin-${h}hop-open`)),
          target(`seed SLO: read p99 ms ${h}hop (origin, open)`, '<=', 900, cases[`origin-${h}hop-open`]!.p99_ms),
        ]),
      ],
    });
  } finally {
    for (const stop of stops) await stop().catch((e) => console.error(e));
  }
}

await main();
