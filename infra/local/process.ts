import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentFailedError, PortInUseError } from './errors.js';
import { descendants } from './proc-tree.js';
import type { RunningComponent } from './types.js';

/** Resolves true when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now (tests use these so they never collide with `npm start`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true once a TCP connection to 127.0.0.1:port succeeds. */
export function canConnect(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  port: number;
  logFile: string;
  url: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Ready when a log line matches this … */
  readyLine?: RegExp;
  /** … and/or when this probe resolves true (polled). */
  probe?: () => Promise<boolean>;
  timeoutMs?: number;
  /** Extra cleanup after the process is gone (for example removing a temp data dir). */
  afterStop?: () => Promise<void>;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

/**
 * Starts a component as a child process with stdout/stderr in its log file and waits until it is healthy. The child's
 * stdin is a pipe we hold open, so launchers that watch stdin exit when we die. Fails with a message naming the
 * component, the command, the port and the log file.
 */
export async function spawnComponent(spec: SpawnSpec): Promise<RunningComponent> {
  const commandLine = [spec.command, ...spec.args].join(' ');
  if (!(await isPortFree(spec.port))) throw new PortInUseError(spec.name, spec.port);

  const log = createWriteStream(spec.logFile, { flags: 'a' });
  await new Promise<void>((resolve) => log.once('open', () => resolve()));
  log.write(`\n--- ${new Date().toISOString()} starting: ${commandLine}\n`);

  const child: ChildProcess = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let sawReadyLine = spec.readyLine === undefined;
  let buffered = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    if (!sawReadyLine && spec.readyLine) {
      buffered = (buffered + chunk.toString('utf8')).slice(-8192);
      if (spec.readyLine.test(buffered)) sawReadyLine = true;
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited = { code: null, signal: null };
      resolve();
    });
  });

  const fail = (what: string, cause?: unknown): ComponentFailedError =>
    new ComponentFailedError(
      spec.name,
      {
        what: `${what}\n  last log lines:\n${tail(spec.logFile).replace(/^/gm, '    ')}`,
        command: commandLine,
        port: spec.port,
        logFile: spec.logFile,
      },
      { cause },
    );

  const deadline = Date.now() + (spec.timeoutMs ?? 60_000);
  for (;;) {
    if (spawnError) throw fail(`could not run the command (${spawnError.message})`, spawnError);
    if (exited) throw fail(`exited before it was ready (code ${exited.code}, signal ${exited.signal})`);
    if (sawReadyLine && (!spec.probe || (await spec.probe().catch(() => false)))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw fail(`not healthy after ${spec.timeoutMs ?? 60_000} ms`);
    }
    await sleep(100);
  }

  let stopped: Promise<void> | undefined;
  return {
    name: spec.name,
    url: spec.url,
    port: spec.port,
    logFile: spec.logFile,
    pid: child.pid,
    stop() {
      stopped ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM');
          const killed = await Promise.race([exitPromise.then(() => true), sleep(10_000).then(() => false)]);
          if (!killed) {
            // A launcher (npx, tsx) killed outright leaves its child running, orphaned: kill the whole tree.
            const tree = child.pid === undefined ? [] : descendants(child.pid);
            child.kill('SIGKILL');
            for (const pid of tree) killQuietly(pid);
            await exitPromise;
          }
        }
        child.stdin?.destroy();
        await new Promise<void>((resolve) => log.end(resolve));
        await spec.afterStop?.();
      })();
      return stopped;
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
