import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOrFail } from './install.js';
import { repoRoot, toolBin } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

/** Local-development bearer token of the Upstash-REST endpoint. Not a secret: it only guards a loopback port. */
export const localUpstashToken = 'graphgate-local-dev-token';

const sourceDir = join(repoRoot, 'infra/local/upstash-rest');

/** A digest of the endpoint's Go sources (tests excluded): the build is redone when it changes. */
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
  return hash.digest('hex');
}

/**
 * Builds our Upstash-REST endpoint (Go, standard library only, infra/local/upstash-rest) into the tool path, once per
 * version of its sources. The binary is written beside its final name and renamed, so twins started side by side
 * (vitest's workers) never run a half-written file.
 */
export async function installUpstashRest(): Promise<string> {
  const target = join(toolBin, 'upstash-rest');
  const stamp = join(toolBin, '.upstash-rest.version');
  const digest = sourceDigest();
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return target;
  mkdirSync(toolBin, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await runOrFail('upstash-rest', 'go', ['build', '-trimpath', '-buildvcs=false', '-o', partial, '.'], {
    cwd: sourceDir,
  });
  renameSync(partial, target);
  writeFileSync(stamp, `${digest}\n`);
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
    /** Longest a request waits for Redis before it is answered 503 (the endpoint's default: 5 s). */
    requestTimeoutMs?: number;
    /** Largest accepted request body in bytes (the endpoint's default: 10 MiB). */
    maxBodyBytes?: number;
  },
): Promise<RunningComponent> {
  // `tokens`: every token the endpoint accepts (a staged rotation); the first one is used for the readiness probe.
  const tokens = options.tokens ?? [options.token ?? localUpstashToken];
  const token = tokens[0]!;
  const url = `http://127.0.0.1:${options.port}`;
  const flags = [
    ...(options.cpuProfile ? ['--cpu-profile', options.cpuProfile] : []),
    ...(options.requestTimeoutMs ? ['--request-timeout', `${options.requestTimeoutMs}ms`] : []),
    ...(options.maxBodyBytes ? ['--max-body-bytes', String(options.maxBodyBytes)] : []),
  ];
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
