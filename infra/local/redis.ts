import { join } from 'node:path';
import { ensureAptBinary } from './install.js';
import { canConnect, spawnComponent } from './process.js';
import type { RunningComponent, TwinContext } from './types.js';

/** Installs Debian's redis-server when it is missing. */
export function installRedis(): Promise<string> {
  return ensureAptBinary('redis', 'redis-server', 'redis-server');
}

/** Starts a private redis-server on 127.0.0.1:port (no persistence: it is a cache) and waits until it accepts. */
export async function startRedis(ctx: TwinContext, port: number): Promise<RunningComponent> {
  const bin = await installRedis();
  return spawnComponent({
    name: 'redis',
    command: bin,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      ctx.runDir,
      '--maxmemory',
      '512mb',
      '--maxmemory-policy',
      'volatile-lru',
    ],
    port,
    url: `redis://127.0.0.1:${port}`,
    logFile: join(ctx.runDir, 'redis.log'),
    readyLine: /Ready to accept connections/,
    probe: () => canConnect(port),
    timeoutMs: 20_000,
  });
}
