import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queues } from '../../functions/core/resources/index.js';
import { createTables, startDynalite } from './dynalite.js';
import { installElasticMq, localAccount, localRegion, startElasticMq } from './elasticmq.js';
import { installNeo4j, startNeo4j } from './neo4j.js';
import { collectorTracesFile, installCollector, startCollector } from './otel-collector.js';
import { cacheDir } from './paths.js';
import { freePort } from './process.js';
import { installRedis, startRedis } from './redis.js';
import { installGoTools } from './tools.js';
import type { RunningComponent, TwinContext, TwinEndpoints } from './types.js';
import { installUpstashRest, localUpstashToken, startUpstashRest } from './upstash.js';

/** Fixed ports of `npm start` (tests always use free ports, so both can run at once). */
export const startPorts = { neo4j: 7687, sqs: 9324, dynamo: 8000, redis: 16379, upstash: 8079, otlp: 4318 } as const;
export type TwinPorts = { [K in keyof typeof startPorts]: number };

export async function pickFreePorts(): Promise<TwinPorts> {
  return {
    neo4j: await freePort(),
    sqs: await freePort(),
    dynamo: await freePort(),
    redis: await freePort(),
    upstash: await freePort(),
    otlp: await freePort(),
  };
}

export interface Twin {
  endpoints: TwinEndpoints;
  components: RunningComponent[];
  /** Stops every component this twin started, in reverse start order. */
  stop(): Promise<void>;
}

export interface TwinOptions {
  ports: TwinPorts;
  neo4jPageCache?: string;
  neo4jHeap?: string;
  /** Where the Upstash-REST endpoint writes a CPU profile (pprof), for a benchmark's `--cpu-prof`. */
  upstashCpuProfile?: string;
  /** Progress lines for the person waiting. */
  log?: (line: string) => void;
}

/**
 * Installs whatever is missing (Maven jars, Debian packages, Go tools, the OpenTelemetry Collector built with ocb) —
 * in parallel, each step cached. The collector's first build takes minutes; later runs find it under the cache.
 */
export async function installTwin(log: (line: string) => void = () => {}): Promise<{ opa: string; vegeta: string }> {
  const started = Date.now();
  const [tools] = await Promise.all([
    installGoTools(),
    installNeo4j(),
    installElasticMq(),
    installRedis(),
    installCollector(),
    installUpstashRest(),
  ]);
  log(
    `installed/verified neo4j, elasticmq, redis, opa, vegeta, otel collector, upstash-rest in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return tools;
}

/**
 * Starts the whole local twin: Neo4j (Bolt), ElasticMQ with the intake queue + DLQ, dynalite with the tables of
 * core/resources, redis and the Upstash-REST endpoint, and the OpenTelemetry Collector the apps export traces to. If any component fails, the ones already started are stopped
 * and the error (naming component, command, port and log) is rethrown.
 */
export async function startTwin(ctx: TwinContext, options: TwinOptions): Promise<Twin> {
  const log = options.log ?? (() => {});
  mkdirSync(ctx.runDir, { recursive: true });
  const tools = await installTwin(log);
  const components: RunningComponent[] = [];
  const stopAll = async () => {
    for (const c of [...components].reverse()) await c.stop().catch(() => undefined);
  };
  const track = (p: Promise<RunningComponent>) =>
    p.then((c) => {
      components.push(c);
      log(`${c.name} ready at ${c.url}`);
      return c;
    });
  try {
    const { ports } = options;
    const redisP = track(startRedis(ctx, ports.redis));
    const results = await Promise.allSettled([
      track(startNeo4j(ctx, { port: ports.neo4j, pageCache: options.neo4jPageCache, heap: options.neo4jHeap })),
      track(startElasticMq(ctx, ports.sqs)),
      track(startDynalite(ctx, ports.dynamo)),
      redisP,
      redisP.then((redis) =>
        track(
          startUpstashRest(ctx, { port: ports.upstash, redisUrl: redis.url, cpuProfile: options.upstashCpuProfile }),
        ),
      ),
      track(startCollector(ctx, { port: ports.otlp })),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const dynamoEndpoint = `http://127.0.0.1:${ports.dynamo}`;
    await createTables(dynamoEndpoint);
    const sqsEndpoint = `http://127.0.0.1:${ports.sqs}`;
    const endpoints: TwinEndpoints = {
      neo4jUri: `bolt://127.0.0.1:${ports.neo4j}`,
      sqsEndpoint,
      intakeQueueUrl: `${sqsEndpoint}/${localAccount}/${queues.intake.name('local')}`,
      dlqUrl: `${sqsEndpoint}/${localAccount}/${queues.intake.dlqName('local')}`,
      dynamoEndpoint,
      redisUrl: `redis://127.0.0.1:${ports.redis}`,
      upstashUrl: `http://127.0.0.1:${ports.upstash}`,
      upstashToken: localUpstashToken,
      opaBin: tools.opa,
      vegetaBin: tools.vegeta,
      region: localRegion,
      otlpEndpoint: `http://127.0.0.1:${ports.otlp}`,
      otelTracesFile: collectorTracesFile(ctx),
    };
    return { endpoints, components, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * A throwaway twin for a benchmark or drill: its own temp run directory (`graphgate-<name>-…`), free ports, nothing
 * kept between runs. The caller stops it and removes `runDir` (or keeps it for the logs).
 */
export async function startScratchTwin(
  name: string,
  options: Omit<TwinOptions, 'ports'> = {},
): Promise<Twin & { runDir: string }> {
  const runDir = mkdtempSync(join(tmpdir(), `graphgate-${name}-`));
  const twin = await startTwin({ runDir, cacheDir, persistent: false }, { ...options, ports: await pickFreePorts() });
  return { ...twin, runDir };
}
