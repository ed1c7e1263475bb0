import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originEnv } from '../../infra/local/apps.js';
import type { DevKeys } from '../../infra/local/dev-keys.js';
import { twin } from '../../infra/local/test-support/twin.js';
import { serveMetrics } from '../core/http/metrics-server.js';
import { prometheus } from '../core/metrics/names.js';
import { loadOriginConfig } from './config.js';
import { createOriginRuntime } from './runtime.js';
import { signedGraphqlRequest, testKey } from './test-support/requests.js';

/**
 * A TCP relay between the origin and the twin's Neo4j that the test can cut: every open Bolt connection is dropped
 * and new ones are refused, which is what the origin sees when its Neo4j goes down mid-traffic.
 */
async function boltRelay(target: URL) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of one series of the exposition (0 when the series has never been written). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

let relay: Awaited<ReturnType<typeof boltRelay>>;
let runtime: Awaited<ReturnType<typeof createOriginRuntime>>;
let metricsServer: Server;
let metricsUrl: string;

beforeAll(async () => {
  const t = twin();
  relay = await boltRelay(new URL(t.neo4jUri));
  const keys = { signing: testKey } as DevKeys;
  const config = loadOriginConfig({ ...originEnv(t, keys), NEO4J_URI: relay.uri });
  runtime = await createOriginRuntime(config, { signals: 'prometheus' });
  const registry = runtime.metrics.registry;
  metricsServer = await serveMetrics(0, async () => ({
    contentType: registry.contentType,
    body: await registry.metrics(),
  }));
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as { port: number }).port}/metrics`;
});

afterAll(async () => {
  metricsServer?.close();
  await runtime?.close();
  await relay?.close();
});

const requests = prometheus.originRequests.name;

describe('a Neo4j failure during execution', () => {
  it('answers 500 INTERNAL_SERVER_ERROR and is counted outcome="5xx" in /metrics; a client error stays 4xx', async () => {
    const tenant = `t-neo4jdown-${Math.random().toString(36).slice(2, 8)}`;
    const get = () =>
      signedGraphqlRequest({ tenant, operation: 'GetEntity', variables: { id: 'e-missing' }, key: testKey });
    const before = await (await fetch(metricsUrl)).text();

    const ok = await runtime.yoga.fetch(await get());
    const unsigned = await runtime.yoga.fetch(
      await signedGraphqlRequest({ tenant, operation: 'GetEntity', variables: { id: 'x' }, unsigned: true }),
    );
    relay.cut();
    const failed = await runtime.yoga.fetch(await get());
    const after = await (await fetch(metricsUrl)).text();

    expect(ok.status).toBe(200);
    expect(unsigned.status).toBe(401);
    expect(failed.status).toBe(500);
    expect((await failed.json()).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const delta = (outcome: string) =>
      sample(after, requests, { operation: 'GetEntity', outcome }) -
      sample(before, requests, { operation: 'GetEntity', outcome });
    expect(delta('5xx')).toBe(1);
    expect(delta('ok')).toBe(1);
    // The tenant's usage is counted on the same listener (the cost report reads it).
    expect(sample(after, prometheus.tenantUsage.name, { tenant, item: 'origin_calls' })).toBe(2);
  }, 60_000);
});
