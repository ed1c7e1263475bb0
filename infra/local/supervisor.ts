import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entityIdsCypher } from '../../functions/core/graph/cypher/tooling.js';
import { createDriver, migrate } from '../../functions/core/graph/index.js';
import { int } from '../../functions/core/graph/model.js';
import { startEdge, startErWorker, startIntakeApi, startOrigin, startReview, startStepup } from './apps.js';
import { ensureDevKeys } from './dev-keys.js';
import { devToken } from './dev-token.js';
import { TwinError } from './errors.js';
import { persistedQueryBody } from './origin-request.js';
import { cacheDir, startRunDir } from './paths.js';
import { buildPolicies } from './policies/build.js';
import { seedGraph, seedTenant } from './seed/graph.js';
import { startPorts, startTwin, type Twin } from './twin.js';
import type { RunningComponent, TwinEndpoints } from './types.js';

const lockFile = join(startRunDir, 'supervisor.json');

interface LockRecord {
  pid: number;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Refuses a second `npm start` while one is running, naming the running one. A stale lock (dead pid) is replaced. */
function takeLock(): void {
  mkdirSync(startRunDir, { recursive: true });
  if (existsSync(lockFile)) {
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockRecord;
    if (held.pid !== process.pid && isAlive(held.pid)) {
      throw new TwinError(
        `graphgate is already running (npm start, pid ${held.pid}, since ${held.startedAt}).\n` +
          `  Use that one, or stop it with Ctrl-C in its terminal (or: kill ${held.pid}) and run npm start again.`,
      );
    }
  }
  writeFileSync(
    lockFile,
    JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockRecord),
  );
}

function releaseLock(): void {
  try {
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockRecord;
    if (held.pid === process.pid) rmSync(lockFile);
  } catch {
    // already gone
  }
}

/** Fixed ports of the application processes `npm start` runs after the twin. */
export const appPorts = {
  origin: 4000,
  edge: 8787,
  intake: 4100,
  stepUp: 4300,
  review: 4400,
  // Internal Prometheus listeners (loopback): the public ports serve no /metrics.
  originMetrics: 9462,
  edgeMetrics: 9463,
  erMetrics: 9464,
  intakeMetrics: 9465,
} as const;

/** The small demo graph `npm start` seeds (idempotent: a second start skips it in well under a second). */
export const demo = { seed: 7, tenants: 1, entities: 5_000, edges: 20_000 } as const;
export const demoTenant = seedTenant(demo.seed, 0);

/** Seeds the demo graph and returns an entity id an analyst may see (for the sample curl). */
async function seedDemo(endpoints: TwinEndpoints): Promise<string> {
  const driver = createDriver(endpoints.neo4jUri);
  try {
    await migrate(driver);
    await seedGraph(driver, { ...demo, batchSize: 5_000 });
    const { records } = await driver.executeQuery(entityIdsCypher.cypher, {
      tenant: demoTenant,
      dataClass: 'ENTITY',
      limit: int(1),
    });
    return String(records[0]?.get('id') ?? 'e0000001');
  } finally {
    await driver.close();
  }
}

/** Starts the application processes (origin, edge; later the ER worker) against a running twin. */
async function startApps(endpoints: TwinEndpoints, add: (c: RunningComponent) => void): Promise<void> {
  const keys = ensureDevKeys();
  add(await startOrigin(startRunDir, endpoints, keys, appPorts.origin, appPorts.originMetrics));
  add(await startEdge(startRunDir, endpoints, keys, { ...appPorts, metrics: appPorts.edgeMetrics }));
  add(await startStepup(startRunDir, endpoints, keys, appPorts));
  add(await startReview(startRunDir, appPorts));
  add(await startIntakeApi(startRunDir, endpoints, keys, appPorts.intake, appPorts.intakeMetrics));
  add(await startErWorker(startRunDir, endpoints, appPorts.erMetrics));
}

function curlExample(token: string, operation: string, variables: Record<string, unknown>): string {
  const body = persistedQueryBody(operation, variables);
  return `  curl -s -i -H "authorization: Bearer ${token}" -H 'content-type: application/json' \\\n    -d '${body}' http://127.0.0.1:${appPorts.edge}/graphql`;
}

function summary(
  components: RunningComponent[],
  endpoints: TwinEndpoints,
  seconds: number,
  token: string,
  entityId: string,
  reviewToken: string,
): string {
  const rows = components.map((c) => [c.name, c.url, c.logFile]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), 9));
  const line = (r: string[]) => `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`;
  return [
    '',
    `graphgate local twin is up (${seconds.toFixed(1)} s). Ctrl-C stops everything it started.`,
    '',
    line(['component', 'url', 'log']),
    ...rows.map(line),
    '',
    `  tools: opa ${endpoints.opaBin}, vegeta ${endpoints.vegetaBin}`,
    '',
    `Try (twice: x-cache MISS, then HIT; the token is a LOCAL DEVELOPMENT token for tenant ${demoTenant}, valid 12 h):`,
    curlExample(token, 'GetEntity', { id: entityId }),
    '',
    'Ask in plain language (NLQ: rows the export policy releases for the purpose, without ids or names; the plan that ran):',
    curlExample(token, 'Nlq', { question: 'list organisations from source registry', purpose: 'investigation' }),
    '',
    `Step-up (passkey + merge) in a browser — localhost, not 127.0.0.1: the passkey's rpID is localhost:`,
    `  http://localhost:${appPorts.stepUp}/stepup#token=${token}`,
    '',
    `Review queue (ER adjudication; keyboard: ? lists the shortcuts) as a LOCAL DEVELOPMENT reviewer of ${demoTenant}:`,
    `  http://localhost:${appPorts.review}/review/#token=${reviewToken}`,
    '',
    'More:',
    `  npm run token -- --tenant ${demoTenant} --roles analyst     # a fresh dev token`,
    `  curl -s -X POST http://127.0.0.1:${appPorts.intake}/intake -H "authorization: Bearer $(npm run -s token -- --tenant ${demoTenant} --roles producer)" \\`,
    `    -H 'content-type: application/json' -d '{"events":[{"idempotencyKey":"k1","record":{"kind":"PERSON","names":["Ada Lovelace"],"source":{"system":"crm","recordId":"r1"},"licence":"INTERNAL_ONLY","dataClass":"PII"}}]}'`,
    `  curl -s http://127.0.0.1:${appPorts.erMetrics}/metrics | grep graphgate_er     # ER worker: depth, lag, bands`,
    `  npm run gql -- Search '{"text":"acme"}' --tenant ${demoTenant}    # straight to the origin, signed`,
    `  curl -s http://127.0.0.1:${appPorts.originMetrics}/metrics | head     # origin; the edge's: ${appPorts.edgeMetrics}`,
    `  curl -s -H 'Authorization: Bearer ${endpoints.upstashToken}' -d '["PING"]' ${endpoints.upstashUrl}`,
    `  curl -s -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: AmazonSQS.ListQueues' -d '{}' ${endpoints.sqsEndpoint}`,
    '',
  ].join('\n');
}

/** `npm start`: starts the twin and the app processes on fixed ports, prints one summary, stops all on Ctrl-C. */
export async function runStart(): Promise<void> {
  takeLock();
  const started = Date.now();
  let twin: Twin | undefined;
  const apps: RunningComponent[] = [];
  let stopping = false;
  let demoEntity = 'e0000001';
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping graphgate …');
    for (const a of [...apps].reverse()) await a.stop().catch(() => undefined);
    await twin?.stop();
    releaseLock();
    console.log('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    twin = await startTwin(
      { runDir: startRunDir, cacheDir, persistent: true },
      { ports: { ...startPorts }, log: (l) => console.log(`  ${l}`) },
    );
    const seeded = Date.now();
    const [entity] = await Promise.all([seedDemo(twin.endpoints), buildPolicies()]);
    demoEntity = entity;
    console.log(
      `  demo graph (tenant ${demoTenant}, ${demo.entities} entities) ready in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
    );
    await startApps(twin.endpoints, (c) => {
      apps.push(c);
      console.log(`  ${c.name} ready at ${c.url}`);
    });
  } catch (err) {
    console.error(`\nnpm start failed:\n  ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
    return;
  }
  const token = await devToken({ tenant: demoTenant, sub: 'dev-user', roles: ['analyst'], ttlS: 12 * 3600 });
  const reviewToken = await devToken({
    tenant: demoTenant,
    sub: 'dev-reviewer',
    roles: ['investigator'],
    clearances: ['pii'],
    sid: 'dev-review-session',
    ttlS: 12 * 3600,
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(summary([...twin.components, ...apps], twin.endpoints, seconds, token, demoEntity, reviewToken));
  writeFileSync(join(startRunDir, 'endpoints.json'), JSON.stringify(twin.endpoints, null, 2));
  // What is running, for `npm run timings` (memory per component) and for people reading .run/.
  const running = [...twin.components, ...apps].map((c) => ({ name: c.name, pid: c.pid, url: c.url, log: c.logFile }));
  writeFileSync(
    join(startRunDir, 'components.json'),
    JSON.stringify({ readyAfterS: (Date.now() - started) / 1000, running }, null, 2),
  );
  await new Promise(() => {}); // run until a signal arrives
}
