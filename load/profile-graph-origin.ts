/**
 * `tsx load/profile-graph-origin.ts [--n 300] [--hops 1,2] [--rounds 1] [--out <dir>] [--base <checkout>]`: where the
 * origin's time goes on a neighbourhood read, beyond the Cypher round trip. On bench:graph's graph (seeded by it; run
 * that once first) and its origin set-up (signed persisted `Neighbors`, response cache off), per hop count it sends the
 * same centres to the origin (yoga's fetch handler, in-process, each request signed just before it is sent, outside
 * the measured window) and to raw Cypher (the same template through the driver), interleaved, and reports the CPU of
 * this process per request for each (`--rounds` times); then it records a V8 CPU profile of each contender's requests
 * alone (`<out>/{origin,raw}-<hops>hop.cpuprofile`, read it with load/cpu-profile-top.ts). Neo4j runs in its own
 * process, so the CPU figures are the Node side of each: what the origin adds is origin minus raw.
 *
 * `--base <checkout>` adds a third contender in the same rotation: the origin of another checkout of this repository
 * (e.g. `git archive main | tar -x -C /tmp/base` with its node_modules linked to these), over the same driver. Its
 * answers must equal this origin's byte for byte; its CPU per request is the A/B a change is judged by on a shared
 * machine, where wall times of separate runs mean little.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
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
    base: { type: 'string' },
    rounds: { type: 'string', default: '1' },
  },
});
const n = Number(args.n);
const rounds = Number(args.rounds);
mkdirSync(args.out, { recursive: true });
const hopCounts = args.hops.split(',').map(Number) as (1 | 2 | 3)[];
const limit = 500;
const url = 'http://origin.local/graphql';
type Kind = 'origin' | 'base' | 'raw';

/**
 * The request as it reaches yoga from an HTTP server (bench:graph's, the Lambda's): with its `content-length`. A
 * `Request` built in process has none, and the door then reads its body as a stream, chunk by chunk against the cap,
 * which cost about a tenth of the origin's own CPU here that no served request pays.
 */
async function withContentLength(request: Request): Promise<Request> {
  const body = await request.text();
  const headers = new Headers(request.headers);
  headers.set('content-length', String(Buffer.byteLength(body)));
  return new Request(request.url, { method: request.method, headers, body });
}

const neo = await startNeo4j(
  { runDir: join(cacheDir, 'bench-graph'), cacheDir, persistent: true },
  { port: await freePort(), pageCache: '2g', heap: '2g' },
);
const driver = createDriver(neo.url);
try {
  const tenant = seedTenant(42, 0);
  const claims = {
    tenant,
    subject: 'bench',
    attributes: { roles: ['investigator'], clearances: ['pii', 'financial'] },
  };
  /** A signed-request sender for one origin: sign beforehand, then send and read the answer. */
  const originOf = async (make: typeof inProcessOrigin) => {
    const { yoga, signing } = await make(driver);
    return {
      sign: async (id: string, hops: number) =>
        withContentLength(
          await signedOriginRequest({
            url,
            key: signing,
            operation: 'Neighbors',
            variables: { id, hops, limit },
            claims,
          }),
        ),
      send: async (req: Request) => {
        const res = await yoga.fetch(req);
        return { status: res.status, text: await res.text() };
      },
    };
  };
  const origins: Partial<Record<Exclude<Kind, 'raw'>, Awaited<ReturnType<typeof originOf>>>> = {
    origin: await originOf(inProcessOrigin),
  };
  if (args.base) {
    const baseModule = (await import(join(resolve(args.base), 'load', 'graph-origin.ts'))) as {
      inProcessOrigin: typeof inProcessOrigin;
    };
    origins.base = await originOf(baseModule.inProcessOrigin);
  }
  const outcome = ({ status, text }: { status: number; text: string }) => {
    if (status !== 200 || text.includes('"errors"')) return text.includes('RESULT_TOO_LARGE') ? 'over' : 'error';
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
  const kinds: Kind[] = [...(Object.keys(origins) as Kind[]), 'raw'];

  for (const hops of hopCounts) {
    const centres: string[] = [];
    for (const id of candidates) {
      const answer = await origins.origin!.send(await origins.origin!.sign(id, hops));
      if (origins.base) {
        const baseAnswer = await origins.base.send(await origins.base.sign(id, hops));
        if (baseAnswer.text !== answer.text)
          throw new Error(`origin and base answer ${id} at ${hops} hops differently`);
      }
      if (outcome(answer) === 'ok') centres.push(id);
    }
    // Signed just before sending (outside the measured window): a signature is valid for 30 s only.
    const prepare = async (k: Kind, i: number) =>
      k === 'raw' ? undefined : await origins[k]!.sign(centres[i % centres.length]!, hops);
    const run = async (k: Kind, i: number, req: Request | undefined) => {
      if (k === 'raw') return raw(centres[i % centres.length]!, hops);
      const r = outcome(await origins[k]!.send(req!));
      if (r === 'error') throw new Error(`${k} failed for ${centres[i % centres.length]}`);
      return r;
    };
    // Warm-up, then interleaved (the order rotating each round) with this process's CPU and the wall time of each.
    for (let i = 0; i < 30; i++) await raw(centres[i % centres.length]!, hops);
    for (let round_ = 1; round_ <= rounds; round_++) {
      const acc = Object.fromEntries(kinds.map((k) => [k, { cpu: 0, ms: [] as number[] }])) as Record<
        Kind,
        { cpu: number; ms: number[] }
      >;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < kinds.length; j++) {
          const k = kinds[(i + j) % kinds.length]!;
          const req = await prepare(k, i);
          const [c0, t0] = [process.cpuUsage(), performance.now()];
          await run(k, i, req);
          const [c1, t1] = [process.cpuUsage(c0), performance.now()];
          acc[k].cpu += (c1.user + c1.system) / 1000;
          acc[k].ms.push(t1 - t0);
        }
      }
      const p95 = (k: Kind) =>
        percentile(
          [...acc[k].ms].sort((a, b) => a - b),
          95,
        );
      const line = (k: Kind) => {
        const sorted = [...acc[k].ms].sort((a, b) => a - b);
        return `${k}: cpu ${round(acc[k].cpu / n, 2)} ms/req, p50 ${round(percentile(sorted, 50), 2)} ms, p95 ${round(p95(k), 2)} ms`;
      };
      console.log(
        `${hops} hops, round ${round_}/${rounds}, ${centres.length} centres, ${n} each: ${kinds.map(line).join(' | ')}`,
      );
      const ratio = (a: Kind, b: Kind) =>
        `${a}/${b}: cpu ${round(acc[a].cpu / acc[b].cpu, 2)}, p95 ${round(p95(a) / p95(b), 2)}`;
      console.log(`  ratios ${[ratio('origin', 'raw'), ...(origins.base ? [ratio('base', 'raw')] : [])].join('; ')}`);
      if (origins.base) {
        console.log(`  origin minus base: cpu ${round((acc.origin.cpu - acc.base.cpu) / n, 2)} ms/req`);
      }
    }

    // Each contender's requests alone, each under the profiler.
    for (const k of kinds) {
      const reqs = await Promise.all(Array.from({ length: n }, (_, i) => prepare(k, n + i)));
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      for (let i = n; i < 2 * n; i++) await run(k, i, reqs[i - n]);
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
