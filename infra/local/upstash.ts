import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';
import { spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

const require = createRequire(import.meta.url);

/** Local-development bearer token of the Upstash-REST endpoint. Not a secret: it only guards a loopback port. */
export const localUpstashToken = 'graphgate-local-dev-token';

/** Starts our Upstash-REST-compatible endpoint in front of redis and waits until an authenticated PING answers. */
export async function startUpstashRest(
  ctx: TwinContext,
  options: {
    port: number;
    redisUrl: string;
    token?: string;
    tokens?: readonly string[];
    logName?: string;
    /** Node flags (a benchmark's `--cpu-prof`): node then runs the endpoint with tsx as a loader, in one process. */
    nodeArgs?: readonly string[];
  },
): Promise<RunningComponent> {
  // `tokens`: every token the endpoint accepts (a staged rotation); the first one is used for the readiness probe.
  const tokens = options.tokens ?? [options.token ?? localUpstashToken];
  const token = tokens[0]!;
  const url = `http://127.0.0.1:${options.port}`;
  const launcher = options.nodeArgs?.length
    ? [...options.nodeArgs, '--import', pathToFileURL(require.resolve('tsx/esm')).href]
    : [require.resolve('tsx/cli')];
  return spawnComponent({
    name: 'upstash-rest',
    command: process.execPath,
    args: [
      ...launcher,
      join(repoRoot, 'infra/local/upstash-rest/main.ts'),
      '--port',
      String(options.port),
      '--redis',
      options.redisUrl,
    ],
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
