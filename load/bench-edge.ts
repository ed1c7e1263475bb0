/**
 * `npm run bench:edge [-- --quick]`: the edge's hit path against its limit, in one run, over HTTP with vegeta.
 *   edge-hit  — the Node edge adapter serving a cached persisted query (JWT, rate limit, manifest, cache read)
 *   limit-hit — a bare Hono route doing one raw @upstash/redis GET of the same entry through the same endpoint
 *   edge-miss — distinct queries at a constant arrival rate, each a miss that goes to the origin and Neo4j
 * Hit cases run closed-loop (as fast as the workers allow) in alternating rounds, so both see the same machine.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
import { report, target } from './evidence.js';
import { treeCpuMs } from './proc-cpu.js';
import { attack, reportCase, type VegetaTarget } from './vegeta.js';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const profIndex = process.argv.indexOf('--cpu-prof');
const cpuProfDir = profIndex >= 0 ? process.argv[profIndex + 1] : undefined;
const params = quick
  ? { rounds: 2, roundS: 4, workers: 16, missRate: 40, missS: 5, entities: 2_000, edges: 6_000 }
  : { rounds: 4, roundS: 8, workers: 16, missRate: 50, missS: 15, entities: 5_000, edges: 20_000 };

async function main() {
  const twin = await startScratchTwin('bench-edge', { neo4jPageCache: '512m' });
  const { runDir } = twin;
  const stops: (() => Promise<void>)[] = [() => twin.stop()];
  try {
    const e = twin.endpoints;
    const driver = createDriver(e.neo4jUri);
    await migrate(driver);
    await seedGraph(driver, { tenants: 1, entities: params.entities, edges: params.edges, seed: 11, batchSize: 5_000 });
    const tenant = seedTenant(11, 0);
    const ids = (
      await driver.executeQuery(entityIdsCypher.cypher, {
        tenant,
        dataClass: 'ENTITY',
        limit: int(params.entities),
      })
    ).records.map((r) => String(r.get('id')));
    await driver.close();
    await buildPolicies();

    const keys = ensureDevKeys();
    const ports = { origin: await freePort(), edge: await freePort(), limit: await freePort() };
    const origin = await startOrigin(runDir, e, keys, ports.origin);
    stops.unshift(() => origin.stop());
    // Limits far above what the bench offers: it measures the hit path, not throttling.
    const edge = await startEdge(
      runDir,
      e,
      keys,
      ports,
      {
        rateLimits: { tenant: { requests: 10_000_000, windowS: 60 }, subject: { requests: 10_000_000, windowS: 60 } },
      },
      cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    );
    stops.unshift(() => edge.stop());

    const token = await devToken({ tenant, sub: 'bench', roles: ['analyst'], ttlS: 3600 });
    const hitVars = { id: ids[0] };
    const body = persistedQueryBody('GetEntity', hitVars);
    const header = { authorization: [`Bearer ${token}`], 'content-type': ['application/json'] };
    const edgeUrl = `http://127.0.0.1:${ports.edge}/graphql`;
    const warm = await fetch(edgeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const warm2 = await fetch(edgeUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (warm2.headers.get('x-cache') !== 'HIT')
      throw new Error(`cache did not warm: ${warm.status} then ${warm2.headers.get('x-cache')}`);

    const policy = await loadWasmPolicyEngine();
    const op = operationByName('GetEntity');
    const key = cacheKey({
      tenant,
      operationId: op.id,
      variables: hitVars,
      scopeFingerprint: resolveScope(policy, { roles: ['analyst'], clearances: [], purposes: [] }).fingerprint,
      schemaVersion: manifest.schemaVersion,
      scope: op.scope,
      subject: 'bench',
    });
    const limit = await spawnComponent({
      name: 'limit (bare hono + upstash GET)',
      command: process.execPath,
      args: [
        require.resolve('tsx/cli'),
        join(repoRoot, 'load/limit-server.ts'),
        '--port',
        String(ports.limit),
        '--key',
        key,
      ],
      env: { UPSTASH_URL: e.upstashUrl, UPSTASH_TOKEN: e.upstashToken },
      port: ports.limit,
      url: `http://127.0.0.1:${ports.limit}/graphql`,
      logFile: join(runDir, 'limit.log'),
      readyLine: /GRAPHGATE_LIMIT_READY/,
      timeoutMs: 30_000,
    });
    stops.unshift(() => limit.stop());
    const check = await fetch(limit.url, { method: 'POST', body: '{}' });
    if (check.status !== 200 || (await check.text()) !== (await warm2.text()))
      throw new Error('limit server does not return the same payload');

    const edgeTargets: VegetaTarget[] = [{ method: 'POST', url: edgeUrl, header, body }];
    const limitTargets: VegetaTarget[] = [{ method: 'POST', url: limit.url, header, body }];
    const files = { edge: [] as string[], limit: [] as string[] };
    const upstashPid = twin.components.find((c) => c.name === 'upstash-rest')?.pid;
    const cpu = { edge: { edge: 0, upstash: 0 }, limit: { edge: 0, upstash: 0 } };
    // Warm-up both, then alternate rounds (edge first on even rounds, limit first on odd).
    await attack({
      vegeta: e.vegetaBin,
      targets: edgeTargets,
      dir: runDir,
      out: 'warm-edge',
      rate: 0,
      workers: params.workers,
      durationS: 2,
    });
    await attack({
      vegeta: e.vegetaBin,
      targets: limitTargets,
      dir: runDir,
      out: 'warm-limit',
      rate: 0,
      workers: params.workers,
      durationS: 2,
    });
    for (let r = 0; r < params.rounds; r++) {
      const order: ('edge' | 'limit')[] = r % 2 === 0 ? ['edge', 'limit'] : ['limit', 'edge'];
      for (const which of order) {
        const out = `${which}-${r}`;
        const before = { edge: treeCpuMs(which === 'edge' ? edge.pid : limit.pid), upstash: treeCpuMs(upstashPid) };
        await attack({
          vegeta: e.vegetaBin,
          targets: which === 'edge' ? edgeTargets : limitTargets,
          dir: runDir,
          out,
          rate: 0,
          workers: params.workers,
          durationS: params.roundS,
        });
        files[which].push(out);
        cpu[which].edge += treeCpuMs(which === 'edge' ? edge.pid : limit.pid) - before.edge;
        cpu[which].upstash += treeCpuMs(upstashPid) - before.upstash;
      }
    }
    const missTargets: VegetaTarget[] = ids
      .slice(1)
      .map((id) => ({ method: 'POST', url: edgeUrl, header, body: persistedQueryBody('GetEntity', { id }) }));
    const missCount = params.missRate * params.missS;
    if (missTargets.length < missCount)
      throw new Error(`need ${missCount} distinct ids for the miss case, have ${missTargets.length}`);
    await attack({
      vegeta: e.vegetaBin,
      targets: missTargets.slice(0, missCount),
      dir: runDir,
      out: 'miss',
      rate: params.missRate,
      durationS: params.missS,
    });

    const cases = {
      'edge-hit': await reportCase(e.vegetaBin, runDir, files.edge),
      'limit-hit': await reportCase(e.vegetaBin, runDir, files.limit),
      'edge-miss': await reportCase(e.vegetaBin, runDir, ['miss']),
    };
    for (const which of ['edge', 'limit'] as const) {
      const c = cases[`${which}-hit`];
      c.cpu_ms_per_req = Math.round((cpu[which].edge / c.n) * 1000) / 1000;
      c.upstash_cpu_ms_per_req = Math.round((cpu[which].upstash / c.n) * 1000) / 1000;
      console.log(
        `${which}-hit: server CPU ${c.cpu_ms_per_req} ms/req, upstash-rest CPU ${c.upstash_cpu_ms_per_req} ms/req`,
      );
    }
    const rpsRatio = cases['edge-hit'].rps / cases['limit-hit'].rps;
    report({
      name: 'edge',
      command: `npm run bench:edge${quick ? ' -- --quick' : ''}`,
      params: {
        ...params,
        loadgen: 'vegeta 12.13.0, closed loop for hits (rate=0), constant rate for misses',
        payloadBytes: body.length,
      },
      cases,
      ratios: {
        'edge-hit/limit-hit rps': rpsRatio,
        'edge-hit/limit-hit p95': cases['edge-hit'].p95_ms / cases['limit-hit'].p95_ms,
      },
      targets: [target('edge-hit/limit-hit rps', '>=', 0.8, rpsRatio)],
    });
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
