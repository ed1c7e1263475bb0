/**
 * Traces that arrive: the edge, origin and ER processes export OTLP to a real OpenTelemetry Collector (built with ocb
 * from infra/otel/builder-config.yaml) and the collector's file exporter shows what was kept.
 *  - one request crosses edge → origin → Neo4j under one trace id, and the audit-ledger entry it wrote carries it;
 *  - the deployed tail-sampling config keeps an error trace and a trace over its SLO and drops fast successes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLedger } from '../../functions/core/audit/dynamodb-ledger.js';
import { verifyLedger } from '../../functions/core/audit/verify.js';
import { dynamoClient } from '../../functions/core/aws/dynamodb.js';
import { createDriver, Neo4jGraphRepository } from '../../functions/core/graph/index.js';
import { operationByName } from '../../functions/core/manifest/index.js';
import { tableName, tables } from '../../functions/core/resources/index.js';
import { type AppStack, startAppStack } from './app-stack.js';
import { type RunningCollector, startCollector } from './otel-collector.js';
import { type KeptSpan, readKeptSpans, writeUnsampledConfig } from './otel-traces.js';
import { freePort } from './process.js';
import { testTenant, twin } from './test-support/twin.js';

const runDir = mkdtempSync(join(tmpdir(), 'graphgate-tracing-'));
const ctx = { runDir, cacheDir: '', persistent: false };

/** Polls the kept-traces file until `found` holds (the collector batches and waits before it decides). */
async function waitForSpans(file: string, found: (spans: KeptSpan[]) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = readKeptSpans(file);
    if (found(spans)) return spans;
    if (Date.now() > deadline) return spans;
    await sleep(250);
  }
}

describe('a request through edge, origin and Neo4j is one trace, and the ledger entry names it', () => {
  let collector: RunningCollector;
  let stack: AppStack;

  beforeAll(async () => {
    // Every span kept (the unsampled variant of the deployed config): this test is about propagation, not sampling.
    collector = await startCollector(ctx, {
      port: await freePort(),
      configFile: writeUnsampledConfig(runDir),
      tracesFile: join(runDir, 'unsampled.jsonl'),
      logName: 'collector-unsampled.log',
    });
    stack = await startAppStack(join(runDir), { ...twin(), otlpEndpoint: collector.otlpHttpUrl });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await collector?.stop();
  });

  it('joins the edge span, the origin span and the graph span under the trace id in the ledger entry', async () => {
    const t = twin();
    const tenant = testTenant('trace');
    const driver = createDriver(t.neo4jUri);
    try {
      await new Neo4jGraphRepository(driver).upsertEntity(tenant, {
        id: 'org-1',
        kind: 'ORGANISATION',
        names: ['Traced Org'],
        dataClass: 'ENTITY',
        licence: 'PUBLIC',
        purposes: ['investigation'],
      });
    } finally {
      await driver.close();
    }
    const { jwt } = stack.keys;
    const key = await importJWK(jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
    const token = await new SignJWT({ tenant, roles: ['investigator'], clearances: ['pii'] })
      .setProtectedHeader({ alg: 'ES256', kid: jwt.kid })
      .setIssuer(jwt.issuer)
      .setAudience(jwt.audience)
      .setSubject('tracer')
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    const exportOp = operationByName('ExportEntities');

    const res = await fetch(`${stack.urls.edge}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        variables: { selection: { ids: ['org-1'] }, purpose: 'investigation', audience: 'INTERNAL' },
        extensions: { persistedQuery: { version: 1, sha256Hash: exportOp.id } },
      }),
    });
    const body = (await res.json()) as { data?: { exportEntities?: { rows: unknown[] } }; errors?: unknown };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data?.exportEntities?.rows).toHaveLength(1);

    const ledger = new DynamoDbAuditLedger({
      client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
      tableName: tableName('local', tables.auditLedger),
    });
    const entries = [];
    for await (const e of ledger.read(tenant)) entries.push(e);
    expect(entries.length).toBeGreaterThan(0);
    const traceId = entries[0]!.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(entries.every((e) => e.traceId === traceId)).toBe(true);
    expect((await verifyLedger(tenant, entries)).ok).toBe(true);

    // Each process exports its spans on its own schedule: wait until the edge's, the origin's and the graph's are in.
    const spans = await waitForSpans(collector.tracesFile, (all) => {
      const mine = all.filter((s) => s.traceId === traceId);
      return (
        mine.some((s) => s.service === 'graphgate-edge' && s.parentSpanId === '') &&
        mine.some((s) => s.service === 'graphgate-origin' && s.name === 'POST /graphql') &&
        mine.some((s) => s.name.startsWith('graph.'))
      );
    });
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const edge = inTrace.find((s) => s.service === 'graphgate-edge' && s.parentSpanId === '');
    const origin = inTrace.find((s) => s.service === 'graphgate-origin' && s.name === 'POST /graphql');
    const graph = inTrace.find((s) => s.service === 'graphgate-origin' && s.name.startsWith('graph.'));
    expect(edge?.attributes['graphgate.operation']).toBe('ExportEntities');
    expect(origin?.parentSpanId).toBe(edge?.spanId);
    expect(graph?.attributes['graphgate.tenant']).toBe(tenant);
    // The graph span descends from the origin's request span: walk up its parents.
    const byId = new Map(inTrace.map((s) => [s.spanId, s]));
    let up = graph;
    while (up && up.spanId !== origin?.spanId) up = byId.get(up.parentSpanId);
    expect(up?.spanId).toBe(origin?.spanId);

    // The request's latency sample on the origin's /metrics carries the trace id as an OpenMetrics exemplar.
    const metrics = await fetch(`http://127.0.0.1:${stack.metricsPorts.origin}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('application/openmetrics-text');
    const exemplar = (await metrics.text())
      .split('\n')
      .find((l) => l.startsWith('graphgate_origin_request_duration_seconds_bucket') && l.includes(traceId!));
    expect(exemplar).toMatch(/ExportEntities.* # \{trace_id="[0-9a-f]{32}"\} /);
  });
});

describe('the deployed tail-sampling config', () => {
  let collector: RunningCollector;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    collector = await startCollector(ctx, {
      port: await freePort(),
      decisionWaitMs: 1_000,
      tracesFile: join(runDir, 'sampled.jsonl'),
      logName: 'collector-sampled.log',
    });
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'graphgate-origin', 'process.pid': process.pid }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.otlpHttpUrl}/v1/traces` }))],
    });
  }, 240_000);
  afterAll(async () => {
    await provider?.shutdown();
    await collector?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  /** A request-shaped trace (server span + graph span) of a read, lasting `ms`, failed or not. */
  function request(op: string, ms: number, failed: boolean): string {
    const tracer = provider.getTracer('test');
    const start = Date.now() - ms;
    const root = tracer.startSpan('POST /graphql', {
      root: true,
      startTime: start,
      attributes: {
        'graphgate.operation': op,
        'graphgate.operation.kind': 'read',
        'messaging.message.id': 'm-1',
        'url.full': 'http://x/graphql?a=1',
      },
    });
    const child = tracer.startSpan('graph.getEntity', { startTime: start + 1 }, trace.setSpan(ROOT_CONTEXT, root));
    if (failed) child.setStatus({ code: SpanStatusCode.ERROR });
    child.end(start + ms - 1);
    root.end(start + ms);
    return root.spanContext().traceId;
  }

  it('keeps the error trace and the slow trace, drops fast successes, and scrubs per-request attributes', async () => {
    const failed = request('GetEntity', 5, true);
    const slow = request('GetEntity', 900, false);
    const fast = Array.from({ length: 60 }, () => request('GetEntity', 3, false));
    await provider.forceFlush();

    const spans = await waitForSpans(collector.tracesFile, (all) => {
      const ids = new Set(all.map((s) => s.traceId));
      return ids.has(failed) && ids.has(slow);
    });
    const kept = new Set(spans.map((s) => s.traceId));
    expect(kept.has(failed)).toBe(true);
    expect(kept.has(slow)).toBe(true);
    // Let the fast traces' decisions land too, then count them: the 2% baseline keeps about one of 60; all or most
    // kept means sampling is not applied (at 2%, keeping 10 or more of 60 has a probability below 1e-6).
    await sleep(3_000);
    const after = new Set(readKeptSpans(collector.tracesFile).map((s) => s.traceId));
    const fastKept = fast.filter((id) => after.has(id)).length;
    expect(fastKept).toBeLessThan(10);
    const root = spans.find((s) => s.traceId === failed && s.name === 'POST /graphql');
    expect(root?.attributes['graphgate.operation']).toBe('GetEntity');
    expect(root?.attributes).not.toHaveProperty('messaging.message.id');
    expect(root?.attributes).not.toHaveProperty('url.full');
    expect(root?.resource).not.toHaveProperty('process.pid');
  });
});
