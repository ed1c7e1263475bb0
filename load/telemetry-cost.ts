/**
 * `npm run telemetry:cost` — what tail sampling saves, and what it must not lose. One load (open model: requests at a
 * constant arrival rate over many tenants and keys) runs through real edge and origin processes that export every span
 * to one OpenTelemetry Collector with two pipelines on the same receiver:
 *   - `unsampled`: the deployed config without tail sampling and attribute scrubbing (the "before");
 *   - `sampled`:   the deployed config as it is (infra/otel/collector.yaml, the "after").
 * Both see exactly the same spans, so the comparison has no run-to-run noise. Measured per pipeline: spans and
 * traces exported, bytes written by the file exporter (OTLP JSON), distinct span-attribute values; from the apps:
 * metric series on /metrics. Targets: spans and bytes −30% or better; 100% of error traces and of traces over their
 * SLO kept. Errors are real: a share of the load goes through a second edge whose origin is down (503
 * ORIGIN_UNAVAILABLE on every miss).
 *
 * Writes evidence/cost/telemetry-cost-<UTC>.json (+ -latest.json), the before/after table as Markdown and the
 * sampling config it ran with. `--quick` for a short run; refuses a dirty tree unless `--allow-dirty`.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { parse, stringify } from 'yaml';
import { createDriver, Neo4jGraphRepository } from '../functions/core/graph/index.js';
import { operationByName } from '../functions/core/manifest/index.js';
import { startAppStack } from '../infra/local/app-stack.js';
import { startEdge } from '../infra/local/apps.js';
import { collectorConfigFile, startCollector } from '../infra/local/otel-collector.js';
import { type KeptSpan, readKeptSpans } from '../infra/local/otel-traces.js';
import { repoRoot } from '../infra/local/paths.js';
import { freePort } from '../infra/local/process.js';
import { startScratchTwin } from '../infra/local/twin.js';
import { refuseDirtyTree, report, summarise, target } from './evidence.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
    rate: { type: 'string' },
    seconds: { type: 'string' },
  },
});
refuseDirtyTree('telemetry:cost', args['allow-dirty']);
const params = {
  rate: Number(args.rate ?? 6),
  seconds: Number(args.seconds ?? (args.quick ? 20 : 150)),
  tenants: 20,
  entitiesPerTenant: 25,
  /** Share of arrivals per kind (the rest are reads). */
  exportShare: 0.05,
  originDownShare: 0.02,
  decisionWaitS: 10,
};

/** SLO thresholds (ms) the sampling config promises to keep, by operation kind (DESIGN.md service levels). */
const sloMs: Record<string, number> = { read: 350, write: 700, other: 2000 };

/** The deployed config plus an unsampled pipeline on the same receiver, writing to its own file. */
function combinedConfig(dir: string, unsampledFile: string): string {
  const config = parse(readFileSync(collectorConfigFile, 'utf8')) as {
    exporters: Record<string, unknown>;
    service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
  };
  const sampled = config.service.pipelines.traces!;
  config.exporters['file/unsampled'] = { path: unsampledFile, flush_interval: '200ms' };
  config.service.pipelines['traces/unsampled'] = {
    receivers: sampled.receivers,
    processors: sampled.processors.filter((p) => !['tail_sampling', 'attributes/scrub', 'resource/scrub'].includes(p)),
    exporters: ['file/unsampled'],
  };
  const file = join(dir, 'collector-cost.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

interface TraceInfo {
  durationMs: number;
  error: boolean;
  kind: string;
}

/** Per trace: duration (earliest start → latest end over its spans), any error, operation kind. */
function traces(spans: KeptSpan[]): Map<string, TraceInfo> {
  const bounds = new Map<string, { start: number; end: number; error: boolean; kind: string }>();
  for (const s of spans) {
    const b = bounds.get(s.traceId) ?? { start: Number.POSITIVE_INFINITY, end: 0, error: false, kind: 'other' };
    b.start = Math.min(b.start, s.startMs);
    b.end = Math.max(b.end, s.startMs + s.durationMs);
    b.error ||= s.error;
    const kind = s.attributes['graphgate.operation.kind'];
    if (kind === 'read' || kind === 'write') b.kind = kind;
    bounds.set(s.traceId, b);
  }
  return new Map([...bounds].map(([id, b]) => [id, { durationMs: b.end - b.start, error: b.error, kind: b.kind }]));
}

function distinctAttributeValues(spans: KeptSpan[]): number {
  const seen = new Set<string>();
  for (const s of spans) {
    for (const [k, v] of Object.entries(s.attributes)) seen.add(`${k}=${v}`);
    for (const [k, v] of Object.entries(s.resource)) seen.add(`r:${k}=${v}`);
  }
  return seen.size;
}

async function metricSeries(url: string): Promise<number> {
  const text = await (await fetch(url)).text();
  return text.split('\n').filter((l) => l && !l.startsWith('#')).length;
}

async function main() {
  const started = Date.now();
  const twin = await startScratchTwin('telemetry-cost', { log: (l) => console.log(`[twin] ${l}`) });
  const dir = twin.runDir;
  const unsampledFile = join(dir, 'unsampled.jsonl');
  const collector = await startCollector(
    { runDir: dir, cacheDir: '', persistent: false },
    {
      port: await freePort(),
      configFile: combinedConfig(dir, unsampledFile),
      decisionWaitMs: params.decisionWaitS * 1000,
      tracesFile: join(dir, 'sampled.jsonl'),
      logName: 'collector-cost.log',
    },
  );
  const endpoints = { ...twin.endpoints, otlpEndpoint: collector.otlpHttpUrl };
  const stack = await startAppStack(dir, endpoints);
  const downPorts = { edge: await freePort(), origin: await freePort() };
  // A second edge in front of an origin port nothing listens on: every request it cannot serve from cache is a 503.
  const downEdge = await startEdge(join(dir), endpoints, stack.keys, downPorts, {
    rateLimits: { tenant: { requests: 1_000_000, windowS: 60 }, subject: { requests: 1_000_000, windowS: 60 } },
  });
  try {
    console.log(`stack up in ${((Date.now() - started) / 1000).toFixed(0)} s; seeding`);
    const tenants = Array.from({ length: params.tenants }, (_, i) => `t-cost-${i}-${Date.now().toString(36)}`);
    const driver = createDriver(twin.endpoints.neo4jUri);
    const repo = new Neo4jGraphRepository(driver);
    for (const tenant of tenants) {
      for (let e = 0; e < params.entitiesPerTenant; e++) {
        const input = {
          id: `e-${e}`,
          kind: 'ORGANISATION' as const,
          names: [`Org ${e}`],
          dataClass: 'ENTITY' as const,
          licence: 'PUBLIC' as const,
          purposes: ['investigation'],
        };
        // A loaded machine can time a seed write out; an upsert is idempotent, so try again.
        for (let attempt = 1; ; attempt++) {
          try {
            await repo.upsertEntity(tenant, input);
            break;
          } catch (err) {
            if (attempt >= 5) throw err;
            await sleep(500 * attempt);
          }
        }
      }
    }
    await driver.close();

    const { jwt } = stack.keys;
    const key = await importJWK(jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
    const tokens = new Map<string, string>();
    for (const tenant of tenants) {
      tokens.set(
        tenant,
        await new SignJWT({ tenant, roles: ['investigator'], clearances: ['pii'] })
          .setProtectedHeader({ alg: 'ES256', kid: jwt.kid })
          .setIssuer(jwt.issuer)
          .setAudience(jwt.audience)
          .setSubject(`user-${tenant}`)
          .setJti(crypto.randomUUID())
          .setIssuedAt()
          .setExpirationTime('30m')
          .sign(key),
      );
    }
    const getEntity = operationByName('GetEntity');
    const exportOp = operationByName('ExportEntities');
    const body = (id: string, variables: Record<string, unknown>) =>
      JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

    // Open model: one arrival every 1000/rate ms whatever the answers take; each arrival picks tenant, key and kind.
    const latencies: Record<string, number[]> = { read: [], export: [], 'origin-down': [] };
    const statuses: Record<string, Record<number, number>> = { read: {}, export: {}, 'origin-down': {} };
    const inflight: Promise<void>[] = [];
    const total = params.rate * params.seconds;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / params.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tenant = tenants[Math.floor(Math.random() * tenants.length)]!;
      // Skewed keys (a few hot, many cold): the edge cache answers some reads, the origin the rest.
      const entity = `e-${Math.floor(params.entitiesPerTenant * Math.random() ** 2)}`;
      const roll = Math.random();
      const kind =
        roll < params.originDownShare
          ? 'origin-down'
          : roll < params.originDownShare + params.exportShare
            ? 'export'
            : 'read';
      const url = kind === 'origin-down' ? `http://127.0.0.1:${downPorts.edge}/graphql` : `${stack.urls.edge}/graphql`;
      const payload =
        kind === 'export'
          ? body(exportOp.id, { selection: { ids: [entity] }, purpose: 'investigation', audience: 'INTERNAL' })
          : // Through the broken edge: a key no one has read, so the cache cannot hide the outage.
            body(getEntity.id, { id: kind === 'origin-down' ? `missing-${i}` : entity });
      const sent = performance.now();
      inflight.push(
        fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.get(tenant)}`, 'content-type': 'application/json' },
          body: payload,
        })
          .then(async (res) => {
            await res.arrayBuffer();
            latencies[kind]!.push(performance.now() - sent);
            statuses[kind]![res.status] = (statuses[kind]![res.status] ?? 0) + 1;
          })
          .catch(() => {
            statuses[kind]![0] = (statuses[kind]![0] ?? 0) + 1;
          }),
      );
    }
    await Promise.all(inflight);
    const wallMs = performance.now() - t0;
    // Let the apps' batch exporters flush and every tail-sampling decision land.
    console.log(`load done in ${(wallMs / 1000).toFixed(0)} s; waiting ${params.decisionWaitS + 8} s for decisions`);
    await sleep((params.decisionWaitS + 8) * 1000);

    const before = readKeptSpans(unsampledFile);
    const after = readKeptSpans(collector.tracesFile);
    const beforeTraces = traces(before);
    const afterIds = new Set(after.map((s) => s.traceId));
    const errorTraces = [...beforeTraces].filter(([, t]) => t.error).map(([id]) => id);
    const slowTraces = [...beforeTraces]
      .filter(([, t]) => !t.error && t.durationMs > (sloMs[t.kind] ?? sloMs.other!))
      .map(([id]) => id);
    const keptShare = (ids: string[]) => (ids.length ? ids.filter((id) => afterIds.has(id)).length / ids.length : 1);
    const bytesBefore = statSync(unsampledFile).size;
    const bytesAfter = statSync(collector.tracesFile).size;
    const series = {
      origin: await metricSeries(`http://127.0.0.1:${stack.metricsPorts.origin}/metrics`),
      edge: await metricSeries(`http://127.0.0.1:${stack.metricsPorts.edge}/metrics`),
    };
    const exemplars = (await (await fetch(`http://127.0.0.1:${stack.metricsPorts.origin}/metrics`)).text())
      .split('\n')
      .filter((l) => l.includes('# {trace_id=')).length;
    if (before.length === 0) throw new Error('no spans reached the unsampled pipeline: the reading is missing');
    if (errorTraces.length === 0)
      throw new Error('the load produced no error trace: the 100%-kept check has nothing to check');

    const side = (spans: KeptSpan[], bytes: number) => ({
      spans: spans.length,
      traces: new Set(spans.map((s) => s.traceId)).size,
      bytes,
      distinctAttributeValues: distinctAttributeValues(spans),
    });
    const diff = { before: side(before, bytesBefore), after: side(after, bytesAfter) };
    const change = (k: keyof typeof diff.before) => diff.after[k] / diff.before[k] - 1;
    const cases = Object.fromEntries(
      Object.entries(latencies).map(([k, samples]) => [
        k,
        {
          ...summarise(
            samples,
            wallMs,
            Object.entries(statuses[k]!)
              .filter(([s]) => Number(s) >= 500 || s === '0')
              .reduce((n, [, c]) => n + c, 0),
          ),
          model: 'open' as unknown as number,
        },
      ]),
    );
    const targets = [
      target('spans exported, after/before − 1', '<=', -0.3, change('spans')),
      target('bytes exported, after/before − 1', '<=', -0.3, change('bytes')),
      target('error traces kept (share)', '>=', 1, keptShare(errorTraces)),
      target('traces over their SLO kept (share)', '>=', 1, keptShare(slowTraces)),
    ];
    const file = report({
      name: 'telemetry-cost',
      area: 'cost',
      command: `npm run telemetry:cost${args.quick ? ' -- --quick' : ''}`,
      params: { ...params, model: 'open', sloMs },
      cases,
      ratios: {
        'spans after/before': diff.after.spans / diff.before.spans,
        'bytes after/before': diff.after.bytes / diff.before.bytes,
        'traces after/before': diff.after.traces / diff.before.traces,
        'distinct attribute values after/before':
          diff.after.distinctAttributeValues / diff.before.distinctAttributeValues,
      },
      targets,
      notes: [
        'Before and after are two pipelines of one collector fed by the same run, so both see exactly the same spans.',
        'Bytes are what the file exporter wrote (OTLP JSON); a backend receiving OTLP protobuf gets fewer bytes, in the same proportion.',
        'Metric series are the same in both: sampling acts on spans only; exemplars add no series.',
        '2 shared CPU cores: latencies are noisy and only describe the load, they are not the subject of this run.',
      ],
      extra: {
        diff,
        statuses,
        errorTraces: { total: errorTraces.length, kept: errorTraces.filter((id) => afterIds.has(id)).length },
        slowTraces: { total: slowTraces.length, kept: slowTraces.filter((id) => afterIds.has(id)).length },
        metricSeries: series,
        exemplarsOnOriginMetrics: exemplars,
        samplingConfig: 'evidence/cost/telemetry-sampling-config.yaml (a copy of infra/otel/collector.yaml)',
      },
    });
    const costDir = join(repoRoot, 'evidence', 'cost');
    mkdirSync(costDir, { recursive: true });
    copyFileSync(collectorConfigFile, join(costDir, 'telemetry-sampling-config.yaml'));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const md = [
      '# Telemetry cost: tail sampling off vs on',
      '',
      `Produced by \`npm run telemetry:cost\` at commit ${JSON.parse(readFileSync(file, 'utf8')).commit}; JSON: \`${file.slice(repoRoot.length + 1)}\`.`,
      `Load: ${params.rate} req/s for ${params.seconds} s (open model) over ${params.tenants} tenants × ${params.entitiesPerTenant} keys; ${pct(params.exportShare)} exports, ${pct(params.originDownShare)} through an edge whose origin is down.`,
      '',
      '| measure | sampling off | sampling on | change |',
      '|---|---:|---:|---:|',
      ...(['spans', 'traces', 'bytes', 'distinctAttributeValues'] as const).map(
        (k) => `| ${k} | ${diff.before[k]} | ${diff.after[k]} | ${pct(change(k))} |`,
      ),
      `| error traces kept | ${errorTraces.length} | ${errorTraces.filter((id) => afterIds.has(id)).length} | ${pct(keptShare(errorTraces))} kept |`,
      `| traces over SLO kept | ${slowTraces.length} | ${slowTraces.filter((id) => afterIds.has(id)).length} | ${pct(keptShare(slowTraces))} kept |`,
      `| metric series (origin + edge /metrics) | ${series.origin + series.edge} | ${series.origin + series.edge} | 0 (sampling acts on spans) |`,
      '',
      ...targets.map((t) => `- ${t.pass ? 'PASS' : 'MISS'} ${t.what} ${t.op} ${t.value} (measured ${t.measured})`),
      '',
    ].join('\n');
    writeFileSync(join(costDir, 'telemetry-cost-latest.md'), md);
    console.log(md);
    if (!targets.every((t) => t.pass)) process.exitCode = 1;
  } finally {
    await downEdge.stop();
    await stack.stop();
    await collector.stop();
    await twin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
