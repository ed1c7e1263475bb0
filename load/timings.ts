/**
 * `npm run timings [-- --cold] [--skip-test]`: how long the two commands take on this machine, and what each component
 * of `npm start` holds in memory when idle. Writes evidence/local/timings-<UTC>.json and timings-latest.json.
 *
 * Warm: this checkout with this machine's caches. Cold (`--cold`): a fresh `git clone` of HEAD and an empty HOME, so
 * npm's cache, ~/.m2 (Neo4j, ElasticMQ jars), Go's module/build caches and ~/.cache/graphgate/bin (OPA, vegeta) start
 * empty. Debian packages (redis-server) stay installed: removing system packages is out of scope for a measurement.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../infra/local/paths.js';

const cold = process.argv.includes('--cold');
const skipTest = process.argv.includes('--skip-test');

function treeRssKb(root: number): number {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) for (const [p, pp] of parents) if (pp === pids[i]) pids.push(p);
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {}
  }
  return kb;
}

function runTimed(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; seconds: number; tail: string }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('close', (code) => resolve({ code: code ?? 1, seconds: (Date.now() - t0) / 1000, tail: out }));
  });
}

async function startUntilReady(cwd: string, env: NodeJS.ProcessEnv) {
  const t0 = Date.now();
  const child: ChildProcess = spawn('npm', ['start'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('is up (')) resolve();
      if (out.includes('npm start failed')) reject(new Error(out.slice(-3000)));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', () => reject(new Error(`npm start exited: ${out.slice(-3000)}`)));
  });
  const seconds = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 15_000)); // idle
  const comps = JSON.parse(readFileSync(join(cwd, '.run', 'components.json'), 'utf8')) as {
    running: { name: string; pid: number }[];
  };
  const memory = Object.fromEntries(comps.running.map((c) => [c.name, Math.round(treeRssKb(c.pid) / 1024)]));
  process.kill(-child.pid!, 'SIGINT');
  await new Promise((r) => child.once('close', r));
  return { seconds, memoryMb: memory };
}

async function main() {
  let cwd = repoRoot;
  let env: NodeJS.ProcessEnv = { ...process.env };
  let scratch: string | undefined;
  if (cold) {
    scratch = mkdtempSync(join(tmpdir(), 'graphgate-cold-'));
    cwd = join(scratch, 'repo');
    execFileSync('git', ['clone', '--quiet', repoRoot, cwd]);
    const home = join(scratch, 'home');
    mkdirSync(home);
    env = {
      ...env,
      HOME: home,
      GRAPHGATE_CACHE: join(home, '.cache', 'graphgate'),
      GOPATH: join(home, 'go'),
      GOCACHE: join(home, '.cache', 'go-build'),
      GOMODCACHE: join(home, 'go', 'pkg', 'mod'),
      npm_config_cache: join(home, '.npm'),
    };
  }
  const result: Record<string, unknown> = {
    mode: cold ? 'cold' : 'warm',
    commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim(),
  };
  if (!skipTest) {
    const test = await runTimed('npm', ['test'], cwd, env);
    result.npmTest = { seconds: test.seconds, exitCode: test.code, tail: test.tail.split('\n').slice(-12).join('\n') };
    console.log(`npm test (${result.mode}): ${test.seconds.toFixed(0)} s, exit ${test.code}`);
  }
  const start = await startUntilReady(cwd, env);
  result.npmStartToReady = start;
  console.log(
    `npm start to ready (${cold && skipTest ? 'cold' : 'after test'}): ${start.seconds.toFixed(0)} s`,
    start.memoryMb,
  );
  const again = await startUntilReady(cwd, env);
  result.npmStartToReadyWarm = again;
  console.log(`npm start to ready (warm): ${again.seconds.toFixed(0)} s`);
  const dir = join(repoRoot, 'evidence', 'local');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const doc = {
    name: 'timings',
    at,
    command: `npm run timings${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: { cpus: 2 },
    ...result,
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  writeFileSync(join(dir, `timings-${result.mode}-${at.replace(/[-:]/g, '')}.json`), text);
  writeFileSync(join(dir, `timings-${result.mode}-latest.json`), text);
  if (scratch && existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
}

await main();
