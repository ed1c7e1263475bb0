/**
 * `tsx load/profile-graph-origin.ts [--n 300] [--hops 1,2] [--out <dir>]`: where the origin's time goes on a
 * neighbourhood read, beyond the Cypher round trip. On bench:graph's graph (seeded by it; run that once first) and its
 * origin set-up (signed persisted `Neighbors`, response cache off), per hop count it sends the same centres to the
 * origin (yoga's fetch handler, in-process, requests signed beforehand) and to raw Cypher (the same template through
 * the driver), interleaved, and reports the CPU of this process per request for each; then it records a V8 CPU profile
 * of origin requests only and of raw ones only (`<out>/{origin,raw}-<hops>hop.cpuprofile`, read it with load/cpu-profile-top.ts). Neo4j runs in
 * its own process, so the CPU figures are the Node side of each: what the origin adds is origin minus raw.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import neo4j from 'neo4j-driver';
import { entityDegreesCypher } from '../functions/core/graph/cypher/tooling.js';
import {
  allRelTypes,
  createDriver,
  maxNeighborhoodRels,
  neighborsCypher,
  toNumber,
} from '../functions/core/graph/index.js';
import { startNeo4j } from '../infra/local/neo4j.js';
import { signedOriginRequest } from '../infra/local/origin-request.js';
import { cacheDir } from '../infra/local/paths.js';
import { freePort } from '../infra/local/process.js';
import { seedTenant } from '../infra/local/seed/graph.js';
import { percentile, round } from './evidence.js';
import { inProcessOrigin } from './graph-origin.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    hops: { type: 'string', default: '1,2' },
    out: { type: 'string', default: join(cacheDir, 'bench-graph', 'profiles') },
  },
});
const n = Number(args.n);
mkdirSync(args.out, { recursive: true });
const hopCounts = args.hops.split(',').map(Number) as (1 | 2 | 3)[];
const limit = 500;
const url = 'http://origin.local/graphql';

const neo = await startNeo4j(
  { runDir: join(cacheDir, 'bench-graph'), cacheDir, persistent: true },
  { port: await freePort(), pageCache: '2g', heap: '2g' },
);
const driver = createDriver(neo.url);
try {
  const tenant = seedTenant(42, 0);
  const { yoga, signing } = await inProcessOrigin(driver);
  const claims = {
    tenant,
    subject: 'bench',
    attributes: { roles: ['investigator'], clearances: ['pii', 'financial'] },
  };
  const sign = (id: string, hops: number) =>
    signedOriginRequest({ url, key: signing, operation: 'Neighbors', variables: { id, hops, limit }, claims });
  const origin = async (req: Request) => {
    const res = await yoga.fetch(req);
    const text = await res.text();
    if (res.status !== 200 || text.includes('"errors"')) return text.includes('RESULT_TOO_LARGE') ? 'over' : 'error';
    return 'ok';
  };
  const raw = async (id: string, hops: 1 | 2 | 3) => {
    const res = await driver.executeQuery(
      neighborsCypher[hops].cypher,
      {
        tenant,
        id,
        relTypes: allRelTypes,
        limitPlusOne: neo4j.int(limit + 1),
        relLimitPlusOne: neo4j.int(maxNeighborhoodRels + 1),
        now: neo4j.int(Date.now()),
      },
      { routing: neo4j.routing.READ },
    );
    return res.records.length;
  };
  const { records } = await driver.executeQuery(
    entityDegreesCypher.cypher,
    { tenant },
    { routing: neo4j.routing.READ },
  );
  const all = records.map((r) => ({ id: String(r.get('id')), degree: toNumber(r.get('degree')) }));
  const candidates = Array.from({ length: 60 }, (_, q) => all[Math.floor(((q + 0.5) / 60) * all.length)]!.id);

  for (const hops of hopCounts) {
    const centres: string[] = [];
    for (const id of candidates) if ((await origin(await sign(id, hops))) === 'ok') centres.push(id);
    const signed = await Promise.all(Array.from({ length: 2 * n }, (_, i) => sign(centres[i % centres.length]!, hops)));
    // Warm-up, then interleaved origin/raw with this process's CPU and the wall time of each.
    for (let i = 0; i < 30; i++) await raw(centres[i % centres.length]!, hops);
    const acc = { origin: { cpu: 0, ms: [] as number[] }, raw: { cpu: 0, ms: [] as number[] } };
    for (let i = 0; i < n; i++) {
      const id = centres[i % centres.length]!;
      for (const k of i % 2 ? (['raw', 'origin'] as const) : (['origin', 'raw'] as const)) {
        const [c0, t0] = [process.cpuUsage(), performance.now()];
        const r = k === 'origin' ? await origin(signed[i]!) : await raw(id, hops);
        const [c1, t1] = [process.cpuUsage(c0), performance.now()];
        if (r === 'error') throw new Error(`origin failed for ${id}`);
        acc[k].cpu += (c1.user + c1.system) / 1000;
        acc[k].ms.push(t1 - t0);
      }
    }
    const line = (k: 'origin' | 'raw') => {
      const sorted = [...acc[k].ms].sort((a, b) => a - b);
      return `${k}: cpu ${round(acc[k].cpu / n, 2)} ms/req, p50 ${round(percentile(sorted, 50), 2)} ms, p95 ${round(percentile(sorted, 95), 2)} ms`;
    };
    console.log(`${hops} hops, ${centres.length} centres, ${n} each: ${line('origin')} | ${line('raw')}`);
    console.log(
      `  ratios origin/raw: cpu ${round(acc.origin.cpu / acc.raw.cpu, 2)}, p95 ${round(
        percentile(
          [...acc.origin.ms].sort((a, b) => a - b),
          95,
        ) /
          percentile(
            [...acc.raw.ms].sort((a, b) => a - b),
            95,
          ),
        2,
      )}`,
    );

    // Origin requests only, then raw ones only, each under the profiler.
    for (const k of ['origin', 'raw'] as const) {
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      for (let i = n; i < 2 * n; i++) {
        if (k === 'origin') await origin(signed[i]!);
        else await raw(centres[i % centres.length]!, hops);
      }
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const file = join(args.out, `${k}-${hops}hop.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`  profile of ${n} ${k} requests: ${file}`);
    }
  }
} finally {
  await driver.close();
  await neo.stop();
}
