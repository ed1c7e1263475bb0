/**
 * `npm run bench:edge [-- --quick] [--allow-dirty] [--rate N] [--cpu-prof <dir>]`: the edge's hit path against its
 * limit and against its peer, in one run, over HTTP with vegeta, hits spread over many keys of several tenants:
 *   edge-hit  — the Node edge adapter serving cached persisted queries (JWT, rate limit, manifest, policy scope, cache)
 *   limit-baseline-hit — a bare Hono route doing one raw @upstash/redis GET of the same entries, same endpoint
 *   yoga-baseline-hit  — stock graphql-yoga + @envelop/response-cache-redis (ioredis) on the same Redis, same JWT check,
 *                        same answers
 *   yoga-upstash-baseline-hit — the same yoga server with its response cache behind the same Upstash-REST endpoint
 * (`baseline` in a name keeps a case out of `npm run cost:report`.)
 *   edge-miss — distinct queries at a constant arrival rate, each a miss that goes to the origin and Neo4j
 * Latencies come only from open-model runs (constant arrival rate, `-open` cases); the closed-loop runs (`-max`,
 * alternating rounds so each server sees the same machine) give only a separate max-throughput figure, in `throughput`.
 * Every figure of a case comes from that case's own runs; server CPU per request is read from /proc around each run.
 * A failed request fails its case's target; a dirty work tree is refused unless `--allow-dirty`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { cacheKey } from '../functions/core/cache/index.js';
import { entityIdsCypher } from '../functions/core/graph/cypher/tooling.js';
import { createDriver, migrate } from '../functions/core/graph/index.js';
import { int } from '../functions/core/graph/model.js';
import { manifest, operationByName } from '../functions/core/manifest/index.js';
import { loadWasmPolicyEngine, resolveScope } from '../functions/core/policy/index.js';
import { startEdge, startOrigin } from '../infra/local/apps.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { devToken } from '../infra/local/dev-token.js';
import { persistedQueryBody } from '../infra/local/origin-request.js';
import { repoRoot } from '../infra/local/paths.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { freePort, spawnComponent } from '../infra/local/process.js';
import { seedGraph, seedTenant } from '../infra/local/seed/graph.js';
import { startScratchTwin } from '../infra/local/twin.js';
import type { RunningComponent } from '../infra/local/types.js';
import { type CaseResult, refuseDirtyTree, report, round, target } from './evidence.js';
import { treeCpuMs } from './proc-cpu.js';
import { attack, reportCase, type VegetaTarget } from './vegeta.js';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
    rate: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const quick = args.quick;
const cpuProfDir = args['cpu-prof'];
const params = {
  ...(quick
    ? { rounds: 2, roundS: 4, openS: 5, missRate: 40, missS: 5, entities: 2_000, edges: 6_000, idsPerTenant: 40 }
    : { rounds: 4, roundS: 8, openS: 15, missRate: 50, missS: 15, entities: 5_000, edges: 20_000, idsPerTenant: 200 }),
  workers: 16,
  tenants: 3,
  subjectsPerTenant: 4,
  openRate: Number(args.rate ?? (quick ? 200 : 600)),
};

type Server = 'edge' | 'limit' | 'yoga' | 'yogaUp';
const servers: Server[] = ['edge', 'limit', 'yoga', 'yogaUp'];
const caseName: Record<Server, string> = {
  edge: 'edge-hit',
  limit: 'limit-baseline-hit',
  yoga: 'yoga-baseline-hit',
  yogaUp: 'yoga-upstash-baseline-hit',
};

async function main() {
  refuseDirtyTree('bench:edge', args['allow-dirty']);
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const twin = await startScratchTwin('bench-edge', {
    neo4jPageCache: '512m',
    // Under --cpu-prof the Upstash-REST endpoint is profiled too, into <dir>/upstash-rest.pprof (it serves the edge's
    // hits, the limit server's and yoga-upstash's: its profile is the store path of all three; read it with
    // `go tool pprof -top ~/.cache/graphgate/bin/upstash-rest <dir>/upstash-rest.pprof`).
    upstashCpuProfile: cpuProfDir ? join(cpuProfDir, 'upstash-rest.pprof') : undefined,
  });
  const { runDir } = twin;
  const stops: (() => Promise<void>)[] = [() => twin.stop()];
  try {
    const e = twin.endpoints;
    const driver = createDriver(e.neo4jUri);
    await migrate(driver);
    await seedGraph(driver, {
      tenants: params.tenants,
      entities: params.entities,
      edges: params.edges,
      seed: 11,
      batchSize: 5_000,
    });
    const tenants = Array.from({ length: params.tenants }, (_, i) => seedTenant(11, i));
    const idsOf = new Map<string, string[]>();
    for (const tenant of tenants) {
      const res = await driver.executeQuery(entityIdsCypher.cypher, {
        tenant,
        dataClass: 'ENTITY',
        limit: int(params.idsPerTenant + params.missRate * params.missS),
      });
      idsOf.set(
        tenant,
        res.records.map((r) => String(r.get('id'))),
      );
    }
    await driver.close();
    await buildPolicies();

    const keys = ensureDevKeys();
    const ports = {
      origin: await freePort(),
      edge: await freePort(),
      limit: await freePort(),
      yoga: await freePort(),
      yogaUp: await freePort(),
    };
    const origin = await startOrigin(runDir, e, keys, ports.origin);
    stops.unshift(() => origin.stop());
    // Limits far above what the bench offers: it measures the hit path, not throttling.
    const edge = await startEdge(
      runDir,
      e,
      keys,
      ports,
      { rateLimits: { tenant: { requests: 10_000_000, windowS: 60 }, subject: { requests: 10_000_000, windowS: 60 } } },
      cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    );
    stops.unshift(() => edge.stop());
    const edgeUrl = `http://127.0.0.1:${ports.edge}/graphql`;

    // Callers: several subjects per tenant, each with its own token; hits: every (tenant, id) key, round-robin.
    const policy = await loadWasmPolicyEngine();
    const op = operationByName('GetEntity');
    const scope = resolveScope(policy, { roles: ['analyst'], clearances: [], purposes: [] }).fingerprint;
    const hits: { tenant: string; id: string; token: string; key: string }[] = [];
    const missesOf = new Map(tenants.map((t) => [t, [] as { tenant: string; id: string; token: string }[]]));
    for (const tenant of tenants) {
      const tokens = await Promise.all(
        Array.from({ length: params.subjectsPerTenant }, (_, s) =>
          devToken({ tenant, sub: `bench-${s}`, roles: ['analyst'], ttlS: 3600 }),
        ),
      );
      const ids = idsOf.get(tenant)!;
      if (ids.length <= params.idsPerTenant)
        throw new Error(`tenant ${tenant}: ${ids.length} entities, need ${params.idsPerTenant} hits and some misses`);
      for (const [i, id] of ids.entries()) {
        const token = tokens[i % tokens.length]!;
        if (i >= params.idsPerTenant) {
          missesOf.get(tenant)!.push({ tenant, id, token });
          continue;
        }
        const key = cacheKey({
          tenant,
          operationId: op.id,
          variables: { id },
          scopeFingerprint: scope,
          schemaVersion: manifest.schemaVersion,
          scope: op.scope,
          subject: `bench-${i % tokens.length}`,
        });
        hits.push({ tenant, id, token, key });
      }
    }
    // Misses: distinct keys, taken from the tenants in turn (every tenant misses, none twice on one key).
    const misses = Array.from({ length: Math.max(...[...missesOf.values()].map((m) => m.length)) }, (_, i) =>
      tenants.flatMap((t) => missesOf.get(t)![i] ?? []),
    ).flat();
    if (misses.length < params.missRate * params.missS)
      throw new Error(
        `${misses.length} miss keys over ${tenants.length} tenants, need ${params.missRate * params.missS}`,
      );

    // Warm every hit key through the edge (a miss each), then check each answers HIT with the same body.
    const fixture: Record<string, Record<string, unknown>> = {};
    const edgeBodies = new Map<string, string>();
    const post = (url: string, token: string, body: string, extra: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra },
        body,
      });
    for (const pass of ['warm', 'check'] as const) {
      for (let i = 0; i < hits.length; i += 8) {
        await Promise.all(
          hits.slice(i, i + 8).map(async (h) => {
            // The origin writes the entry after it answers: a check may ask again a few times before it fails.
            let res = await post(edgeUrl, h.token, persistedQueryBody('GetEntity', { id: h.id }));
            for (let attempt = 0; pass === 'check' && res.headers.get('x-cache') !== 'HIT' && attempt < 5; attempt++) {
              await res.text();
              await new Promise((r) => setTimeout(r, 200));
              res = await post(edgeUrl, h.token, persistedQueryBody('GetEntity', { id: h.id }));
            }
            const text = await res.text();
            if (res.status !== 200) throw new Error(`${pass} ${h.tenant}/${h.id}: ${res.status} ${text.slice(0, 200)}`);
            if (pass === 'check') {
              if (res.headers.get('x-cache') !== 'HIT') throw new Error(`cache did not warm for ${h.tenant}/${h.id}`);
              edgeBodies.set(h.key, text);
              fixture[h.tenant] ??= {};
              fixture[h.tenant]![h.id] = (JSON.parse(text) as { data: { entity: unknown } }).data.entity;
            }
          }),
        );
      }
    }
    const fixtureFile = join(runDir, 'yoga-fixture.json');
    writeFileSync(fixtureFile, JSON.stringify(fixture));

    const tsx = require.resolve('tsx/cli');
    const limit = await spawnComponent({
      name: 'limit (bare hono + upstash GET)',
      command: process.execPath,
      args: [tsx, join(repoRoot, 'load/limit-server.ts'), '--port', String(ports.limit)],
      env: { UPSTASH_URL: e.upstashUrl, UPSTASH_TOKEN: e.upstashToken },
      port: ports.limit,
      url: `http://127.0.0.1:${ports.limit}/graphql`,
      logFile: join(runDir, 'limit.log'),
      readyLine: /GRAPHGATE_LIMIT_READY/,
      timeoutMs: 30_000,
    });
    stops.unshift(() => limit.stop());
    const startYoga = (name: string, port: number, store: string[], log: string) =>
      spawnComponent({
        name,
        command: process.execPath,
        args: [
          tsx,
          join(repoRoot, 'load/yoga-baseline-server.ts'),
          '--port',
          String(port),
          ...store,
          '--fixture',
          fixtureFile,
        ],
        env: {
          JWT_ISSUER: keys.jwt.issuer,
          JWT_AUDIENCE: keys.jwt.audience,
          JWT_JWKS: JSON.stringify({ keys: [keys.jwt.publicJwk] }),
          UPSTASH_TOKEN: e.upstashToken,
        },
        port,
        url: `http://127.0.0.1:${port}/graphql`,
        logFile: join(runDir, log),
        readyLine: /GRAPHGATE_YOGA_READY/,
        timeoutMs: 60_000,
      });
    const yoga = await startYoga('yoga + response-cache-redis', ports.yoga, ['--redis', e.redisUrl], 'yoga.log');
    stops.unshift(() => yoga.stop());
    const yogaUp = await startYoga('yoga + upstash cache', ports.yogaUp, ['--upstash', e.upstashUrl], 'yoga-up.log');
    stops.unshift(() => yogaUp.stop());

    const yogaBody = (id: string) => JSON.stringify({ query: op.document, operationName: op.name, variables: { id } });
    // Each peer must give the edge's answer for every key before it is timed; yoga's first call per key fills its cache.
    for (const h of hits) {
      const want = edgeBodies.get(h.key)!;
      const fromLimit = await (await post(limit.url, h.token, '{}', { 'x-bench-key': h.key })).text();
      if (fromLimit !== want) throw new Error(`limit server answers ${h.tenant}/${h.id} differently from the edge`);
      for (const url of [yoga.url, yoga.url, yogaUp.url, yogaUp.url]) {
        const res = await post(url, h.token, yogaBody(h.id));
        const got = (await res.json()) as { data?: unknown };
        // Equal as data, keys in any order: since the origin runs GetEntity compiled (graphql-jit) its text differs from
        // yoga's (graphql-js) and the text comparison refused every key.
        if (!isDeepStrictEqual(got.data, (JSON.parse(want) as { data: unknown }).data)) {
          throw new Error(`yoga answers ${h.tenant}/${h.id} differently from the edge: ${JSON.stringify(got)}`);
        }
      }
    }

    const auth = (token: string) => ({ authorization: [`Bearer ${token}`], 'content-type': ['application/json'] });
    const targets: Record<Server, VegetaTarget[]> = {
      edge: hits.map((h) => ({
        method: 'POST',
        url: edgeUrl,
        header: auth(h.token),
        body: persistedQueryBody('GetEntity', { id: h.id }),
      })),
      limit: hits.map((h) => ({
        method: 'POST',
        url: limit.url,
        header: { ...auth(h.token), 'x-bench-key': [h.key] },
        body: '{}',
      })),
      yoga: hits.map((h) => ({ method: 'POST', url: yoga.url, header: auth(h.token), body: yogaBody(h.id) })),
      yogaUp: hits.map((h) => ({ method: 'POST', url: yogaUp.url, header: auth(h.token), body: yogaBody(h.id) })),
    };
    const pids: Record<Server, RunningComponent> = { edge, limit, yoga, yogaUp };
    const upstashPid = twin.components.find((c) => c.name === 'upstash-rest')?.pid;
    const redisPid = twin.components.find((c) => c.name === 'redis')?.pid;
    const cpu = new Map<string, { server: number; store: number }>();
    /** One vegeta run with the server's and the store path's (upstash-rest + redis) CPU read around it. */
    async function run(which: Server, out: string, rate: number, durationS: number) {
      const store = () => (which === 'yoga' ? 0 : treeCpuMs(upstashPid)) + treeCpuMs(redisPid);
      const before = { server: treeCpuMs(pids[which].pid), store: store() };
      await attack({
        vegeta: e.vegetaBin,
        targets: targets[which],
        dir: runDir,
        out,
        rate,
        workers: params.workers,
        durationS,
      });
      const prev = cpu.get(out) ?? { server: 0, store: 0 };
      cpu.set(out, {
        server: prev.server + treeCpuMs(pids[which].pid) - before.server,
        store: prev.store + store() - before.store,
      });
    }
    const order = (r: number): Server[] => servers.map((_, i, a) => a[(i + r) % a.length]!);
    for (const which of servers) await run(which, `warm-${which}`, 0, 2);
    const maxFiles: Record<Server, string[]> = { edge: [], limit: [], yoga: [], yogaUp: [] };
    for (let r = 0; r < params.rounds; r++) {
      for (const which of order(r)) {
        await run(which, `${which}-max-${r}`, 0, params.roundS);
        maxFiles[which].push(`${which}-max-${r}`);
      }
    }
    for (const which of servers) await run(which, `${which}-open`, params.openRate, params.openS);
    const missTargets: VegetaTarget[] = misses.map((m) => ({
      method: 'POST',
      url: edgeUrl,
      header: auth(m.token),
      body: persistedQueryBody('GetEntity', { id: m.id }),
    }));
    await attack({
      vegeta: e.vegetaBin,
      targets: missTargets.slice(0, params.missRate * params.missS),
      dir: runDir,
      out: 'miss',
      rate: params.missRate,
      durationS: params.missS,
    });

    /** CPU per request over some runs; a run without a reading throws (never zero). */
    const cpuPerReq = (files: string[], n: number) => {
      const sum = files
        .map((f) => cpu.get(f)!)
        .reduce((a, b) => ({ server: a.server + b.server, store: a.store + b.store }));
      return { server_cpu_ms_per_req: round(sum.server / n), store_cpu_ms_per_req: round(sum.store / n) };
    };
    // Closed loop: throughput only; each round's rate from its own report, combined over the rounds' own durations.
    const throughput: Record<
      string,
      {
        n: number;
        rps: number;
        errors: number;
        server_cpu_ms_per_req: number;
        store_cpu_ms_per_req: number;
        model: string;
      }
    > = {};
    for (const which of servers) {
      const rounds = await Promise.all(maxFiles[which].map((f) => reportCase(e.vegetaBin, runDir, [f])));
      const n = rounds.reduce((a, c) => a + c.n, 0);
      const seconds = rounds.reduce((a, c) => a + c.n / c.rps, 0);
      throughput[`${caseName[which]}-max`] = {
        n,
        rps: Math.round((n / seconds) * 10) / 10,
        errors: rounds.reduce((a, c) => a + c.errors, 0),
        ...cpuPerReq(maxFiles[which], n),
        model: `closed, ${params.workers} workers, ${params.rounds} alternating rounds of ${params.roundS} s`,
      };
    }
    const spread = { keys: hits.length, tenants: params.tenants, subjects: params.tenants * params.subjectsPerTenant };
    const openCase = async (which: Server): Promise<CaseResult> => {
      const c = await reportCase(e.vegetaBin, runDir, [`${which}-open`]);
      return { ...c, ...cpuPerReq([`${which}-open`], c.n), rate: params.openRate, ...spread };
    };
    const cases: Record<string, CaseResult> = {
      'edge-hit-open': await openCase('edge'),
      'yoga-baseline-hit-open': await openCase('yoga'),
      'yoga-upstash-baseline-hit-open': await openCase('yogaUp'),
      'limit-baseline-hit-open': await openCase('limit'),
      'edge-miss-open': { ...(await reportCase(e.vegetaBin, runDir, ['miss'])), rate: params.missRate },
    };
    console.log('\nclosed loop (max throughput only; no latencies from these runs)');
    for (const [k, t] of Object.entries(throughput))
      console.log(
        `${k.padEnd(15)} n=${t.n} rps=${t.rps} errors=${t.errors} server CPU ${t.server_cpu_ms_per_req} ms/req, store CPU ${t.store_cpu_ms_per_req} ms/req`,
      );
    const edgeMax = throughput['edge-hit-max']!;
    const ratios = {
      'edge-hit/limit-hit rps (closed)': edgeMax.rps / throughput['limit-baseline-hit-max']!.rps,
      'edge-hit/yoga-hit rps (closed)': edgeMax.rps / throughput['yoga-baseline-hit-max']!.rps,
      'edge-hit/yoga-upstash-hit rps (closed)': edgeMax.rps / throughput['yoga-upstash-baseline-hit-max']!.rps,
      'edge-hit/yoga-hit p95 (open)': cases['edge-hit-open']!.p95_ms / cases['yoga-baseline-hit-open']!.p95_ms,
      'edge-hit/yoga-upstash-hit p95 (open)':
        cases['edge-hit-open']!.p95_ms / cases['yoga-upstash-baseline-hit-open']!.p95_ms,
      'edge/yoga server CPU per hit (closed)':
        edgeMax.server_cpu_ms_per_req / throughput['yoga-baseline-hit-max']!.server_cpu_ms_per_req,
      'edge/yoga-upstash server CPU per hit (closed)':
        edgeMax.server_cpu_ms_per_req / throughput['yoga-upstash-baseline-hit-max']!.server_cpu_ms_per_req,
    };
    report({
      name: 'edge',
      command: `npm run bench:edge${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      params: {
        ...params,
        quick,
        loadgen:
          'vegeta 12.13.0: closed loop (rate=0) for the -max throughput runs, constant arrival rate for -open cases',
        ...spread,
        cpuProfile: Boolean(cpuProfDir),
      },
      cases,
      ratios,
      targets: [
        target('edge-hit/limit-hit rps (closed)', '>=', 0.8, ratios['edge-hit/limit-hit rps (closed)']),
        target('edge-hit/yoga-hit rps (closed)', '>=', 1.0, ratios['edge-hit/yoga-hit rps (closed)']),
        target('edge-hit/yoga-hit p95 (open)', '<=', 1.0, ratios['edge-hit/yoga-hit p95 (open)']),
        target('edge-hit/yoga-upstash-hit rps (closed)', '>=', 1.0, ratios['edge-hit/yoga-upstash-hit rps (closed)']),
        target('edge-hit/yoga-upstash-hit p95 (open)', '<=', 1.0, ratios['edge-hit/yoga-upstash-hit p95 (open)']),
        ...Object.entries(cases).map(([k, c]) => target(`${k} failed requests`, '<=', 0, c.errors)),
        ...Object.entries(throughput).map(([k, c]) => target(`${k} failed requests`, '<=', 0, c.errors)),
      ],
      notes: [
        '2 shared cores: load generator, twin and servers compete; compare ratios and CPU per request, not absolute rates',
        'yoga-baseline: stock graphql-yoga + @envelop/response-cache-redis via ioredis to the twin Redis (the one behind upstash-rest); yoga-upstash-baseline, edge and limit go through upstash-rest',
        ...(cpuProfDir
          ? ['the edge and the Upstash-REST endpoint ran under --cpu-prof: their CPU per request includes the profiler']
          : []),
      ],
      extra: { throughput },
    });
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
