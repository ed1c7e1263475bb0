import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEdge, startOrigin } from './apps.js';
import { ensureDevKeys } from './dev-keys.js';
import { TwinError } from './errors.js';
import { cacheDir, startRunDir } from './paths.js';
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
export const appPorts = { origin: 4000, edge: 8787 } as const;

/** Starts the application processes (origin; later the edge and the ER worker) against a running twin. */
async function startApps(endpoints: TwinEndpoints, add: (c: RunningComponent) => void): Promise<void> {
  const keys = ensureDevKeys();
  add(await startOrigin(startRunDir, endpoints, keys, appPorts.origin));
  add(await startEdge(startRunDir, endpoints, keys, appPorts));
}

function summary(components: RunningComponent[], endpoints: TwinEndpoints, seconds: number): string {
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
    'Try:',
    `  npm run gql -- UpsertEntity '{"input":{"id":"ada","kind":"PERSON","names":["Ada Lovelace"]}}'`,
    `  npm run gql -- GetEntity '{"id":"ada"}'`,
    `  curl -s http://127.0.0.1:${appPorts.origin}/metrics | head`,
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
    await startApps(twin.endpoints, (c) => {
      apps.push(c);
      console.log(`  ${c.name} ready at ${c.url}`);
    });
  } catch (err) {
    console.error(`\nnpm start failed:\n  ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
    return;
  }
  console.log(summary([...twin.components, ...apps], twin.endpoints, (Date.now() - started) / 1000));
  writeFileSync(join(startRunDir, 'endpoints.json'), JSON.stringify(twin.endpoints, null, 2));
  await new Promise(() => {}); // run until a signal arrives
}
