import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentFailedError } from './errors.js';
import { run, runOrFail } from './install.js';
import { repoRoot, toolBin } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

/** Local-development bearer token of the Upstash-REST endpoint. Not a secret: it only guards a loopback port. */
export const localUpstashToken = 'graphgate-local-dev-token';

const sourceDir = join(repoRoot, 'infra/local/upstash-rest');

/** A digest of the endpoint's Go sources (one package, tests excluded): a change of them is a new build. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const files = readdirSync(sourceDir)
    .filter((f) => f === 'go.mod' || (f.endsWith('.go') && !f.endsWith('_test.go')))
    .sort();
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(sourceDir, f)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds our Upstash-REST endpoint (Go, standard library only, infra/local/upstash-rest) into the tool path, once per
 * version of its sources: the binary is named by their digest, so checkouts of different versions on one machine each
 * run their own, and a build is written beside its final name and renamed, so twins started side by side (vitest's
 * workers) never run a half-written file. Go ≥ 1.22 must be on PATH (as for OPA and vegeta).
 */
export async function installUpstashRest(): Promise<string> {
  const target = join(toolBin, `upstash-rest-${sourceDigest()}`);
  if (existsSync(target)) return target;
  if ((await run('sh', ['-c', 'command -v go'])).code !== 0) {
    throw new ComponentFailedError('upstash-rest', {
      what: 'the local Upstash-REST endpoint is built with Go, and `go` is not on PATH: install Go 1.22 or newer',
    });
  }
  mkdirSync(toolBin, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  // One attempt: a compile error does not go away by trying again.
  await runOrFail('upstash-rest', 'go', ['build', '-trimpath', '-buildvcs=false', '-o', partial, '.'], {
    cwd: sourceDir,
    attempts: 1,
  });
  renameSync(partial, target);
  return target;
}

/** Starts our Upstash-REST-compatible endpoint in front of redis and waits until an authenticated PING answers. */
export async function startUpstashRest(
  ctx: TwinContext,
  options: {
    port: number;
    redisUrl: string;
    token?: string;
    tokens?: readonly string[];
    logName?: string;
    /** Where the endpoint writes a CPU profile (pprof; `go tool pprof -top <bin> <file>`) until it stops. */
    cpuProfile?: string;
  },
): Promise<RunningComponent> {
  // `tokens`: every token the endpoint accepts (a staged rotation); the first one is used for the readiness probe.
  const tokens = options.tokens ?? [options.token ?? localUpstashToken];
  const token = tokens[0]!;
  const url = `http://127.0.0.1:${options.port}`;
  const flags = options.cpuProfile ? ['--cpu-profile', options.cpuProfile] : [];
  return spawnComponent({
    name: 'upstash-rest',
    command: await installUpstashRest(),
    args: ['--port', String(options.port), '--redis', options.redisUrl, ...flags],
    env: { UPSTASH_TOKEN: tokens.join(',') },
    port: options.port,
    url,
    logFile: join(ctx.runDir, options.logName ?? 'upstash-rest.log'),
    readyLine: /GRAPHGATE_UPSTASH_READY/,
    probe: async () => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '["PING"]' });
      return res.ok;
    },
    timeoutMs: 30_000,
  });
}
