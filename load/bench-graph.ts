/**
 * `npm run bench:graph [-- --quick]`: 1/2/3-hop neighbourhood reads through the origin handler (request signed with
 * the twin's dev key → yoga → resolvers → repository → Neo4j, response cache off so every call reaches the graph) and,
 * interleaved in the same run, the same Cypher through the raw neo4j-driver (the baseline). Seeds 100k entities /
 * 500k edges over 3 tenants on first use and reuses them afterwards (the store lives in ~/.cache/graphgate/bench-graph).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { entityIdsCypher } from '../functions/core/graph/cypher/tooling.js';
import {
  allRelTypes,
  createDriver,
  maxNeighborhoodRels,
  migrate,
  Neo4jGraphRepository,
  neighborsCypher,
} from '../functions/core/graph/index.js';
import { loadWasmPolicyEngine } from '../functions/core/policy/index.js';
import { MemoryNonceStore } from '../functions/core/signing/memory-nonces.js';
import { createOrigin } from '../functions/graphql/app.js';
import { ensureDevKeys } from '../infra/local/dev-keys.js';
import { startNeo4j } from '../infra/local/neo4j.js';
import { signedOriginRequest } from '../infra/local/origin-request.js';
import { cacheDir } from '../infra/local/paths.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { freePort } from '../infra/local/process.js';
import { seedGraph, seedTenant } from '../infra/local/seed/graph.js';
import { type CaseResult, report, summarise, target } from './evidence.js';

const quick = process.argv.includes('--quick');
const params = quick
  ? { tenants: 3, entities: 100_000, edges: 500_000, seed: 42, samplesPerCase: 300, warmup: 100, limit: 500 }
  : { tenants: 3, entities: 100_000, edges: 500_000, seed: 42, samplesPerCase: 2_000, warmup: 300, limit: 500 };

async function pickCenters(driver: Driver, tenant: string, hops: 1 | 2 | 3, want: number): Promise<string[]> {
  // Centres whose neighbourhood fits the limit: the bench measures answers, not RESULT_TOO_LARGE refusals.
  const { records } = await driver.executeQuery(
    entityIdsCypher.cypher,
    { tenant, dataClass: null, limit: neo4j.int(params.entities) },
    { routing: neo4j.routing.READ },
  );
  const ids = records.map((r) => String(r.get('id')));
  const out: string[] = [];
  const step = Math.max(1, Math.floor(ids.length / (want * 8)));
  for (let i = 0; i < ids.length && out.length < want; i += step) {
    const res = await driver.executeQuery(
      neighborsCypher[hops].cypher,
      {
        tenant,
        id: ids[i],
        relTypes: allRelTypes,
        limitPlusOne: neo4j.int(params.limit + 1),
        now: neo4j.int(Date.now()),
      },
      { routing: neo4j.routing.READ },
    );
    const n = (res.records[0]?.get('entities') as unknown[] | undefined)?.length ?? 0;
    if (n >= 1 && n <= params.limit) out.push(ids[i]!);
  }
  return out;
}

/** The same statement the repository runs for a neighbourhood, straight through the driver. */
async function rawNeighbors(driver: Driver, tenant: string, id: string, hops: 1 | 2 | 3) {
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
  return res.records.length;
}

async function main() {
  const t0 = Date.now();
  const runDir = join(cacheDir, 'bench-graph');
  mkdirSync(runDir, { recursive: true });
  const neo = await startNeo4j(
    { runDir, cacheDir, persistent: true },
    { port: await freePort(), pageCache: '2g', heap: '2g' },
  );
  const driver = createDriver(neo.url);
  try {
    await migrate(driver);
    await buildPolicies();
    const seeded = await seedGraph(driver, { ...params, batchSize: 5_000 });
    console.log(
      `graph ready: ${params.entities} entities / ${params.edges} edges (${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(seeded.tenants)})`,
    );
    const tenant = seedTenant(params.seed, 0);
    const { signing } = ensureDevKeys();
    const { yoga } = createOrigin({
      repo: new Neo4jGraphRepository(driver),
      policy: await loadWasmPolicyEngine(),
      signingKeys: [signing],
      // Every request is signed anew, so an in-process seen-set suffices; the benchmark measures Neo4j, not Redis.
      nonces: new MemoryNonceStore(),
    });

    const cases: Record<string, CaseResult> = {};
    for (const hops of [1, 2, 3] as const) {
      const centers = await pickCenters(driver, tenant, hops, 200);
      const origin: number[] = [];
      const raw: number[] = [];
      let originErrors = 0;
      let rawErrors = 0;
      let originWall = 0;
      let rawWall = 0;
      const total = params.warmup + params.samplesPerCase;
      for (let i = 0; i < total; i++) {
        const id = centers[i % centers.length]!;
        const req = await signedOriginRequest({
          url: 'http://origin.local/graphql',
          key: signing,
          operation: 'Neighbors',
          variables: { id, hops, limit: params.limit },
          claims: {
            tenant,
            subject: 'bench',
            attributes: { roles: ['investigator'], clearances: ['pii', 'financial'] },
          },
        });
        // Interleaved, alternating which goes first, so both see the same machine state.
        const runs: [() => Promise<void>, number[], 'o' | 'r'][] = [
          [
            async () => {
              const res = await yoga.fetch(req);
              const body = (await res.json()) as { errors?: unknown[] };
              if (res.status !== 200 || body.errors) originErrors++;
            },
            origin,
            'o',
          ],
          [
            async () => {
              await rawNeighbors(driver, tenant, id, hops).catch(() => rawErrors++);
            },
            raw,
            'r',
          ],
        ];
        if (i % 2 === 1) runs.reverse();
        for (const [fn, samples, which] of runs) {
          const s = performance.now();
          await fn();
          const ms = performance.now() - s;
          if (i >= params.warmup) {
            samples.push(ms);
            if (which === 'o') originWall += ms;
            else rawWall += ms;
          }
        }
      }
      cases[`origin-${hops}hop`] = { ...summarise(origin, originWall, originErrors), centers: centers.length };
      cases[`raw-${hops}hop`] = { ...summarise(raw, rawWall, rawErrors), centers: centers.length };
    }
    const ratio = (h: number) => cases[`origin-${h}hop`]!.p95_ms / cases[`raw-${h}hop`]!.p95_ms;
    report({
      name: 'graph',
      command: `npm run bench:graph${quick ? ' -- --quick' : ''}`,
      params: {
        ...params,
        neo4j: '5.26 harness, 2g page cache, 2g heap',
        cache: 'off (every call reaches Neo4j)',
        client: 'sequential, interleaved',
      },
      cases,
      ratios: { 'origin/raw p95 1hop': ratio(1), 'origin/raw p95 2hop': ratio(2), 'origin/raw p95 3hop': ratio(3) },
      targets: [
        target('origin/raw p95 1hop', '<=', 1.5, ratio(1)),
        target('origin/raw p95 2hop', '<=', 1.5, ratio(2)),
        target('origin/raw p95 3hop', '<=', 1.5, ratio(3)),
        target('origin-1hop p95 ms', '<=', 15, cases['origin-1hop']!.p95_ms),
        target('origin-2hop p95 ms', '<=', 60, cases['origin-2hop']!.p95_ms),
        target('origin-3hop p95 ms', '<=', 60, cases['origin-3hop']!.p95_ms),
      ],
    });
  } finally {
    await driver.close();
    await neo.stop();
  }
}

await main();
