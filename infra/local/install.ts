import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentFailedError } from './errors.js';

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion, capturing stdout+stderr together. Never throws for a non-zero exit. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<RunResult>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.once('error', (err) => resolve({ code: 127, output: `${output}${err.message}` }));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs a command, retrying (registries answer 429 under bursts); throws a ComponentFailedError on final failure. */
export async function runOrFail(
  component: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; attempts?: number } = {},
): Promise<string> {
  const attempts = options.attempts ?? 3;
  let last: RunResult = { code: 1, output: '' };
  for (let i = 1; i <= attempts; i++) {
    last = await run(command, args, options);
    if (last.code === 0) return last.output;
    if (i < attempts) await sleep(2_000 * i);
  }
  const excerpt = last.output.trimEnd().split('\n').slice(-12).join('\n    ');
  throw new ComponentFailedError(component, {
    what: `install step failed after ${attempts} attempt(s) (exit ${last.code}):\n    ${excerpt}`,
    command: [command, ...args].join(' '),
  });
}

let aptUpdated = false;

/** Ensures a Debian package's binary exists, installing the package with apt-get when it is missing. */
export async function ensureAptBinary(component: string, binary: string, pkg: string): Promise<string> {
  const found = await run('sh', ['-c', `command -v ${binary}`]);
  if (found.code === 0) return found.output.trim();
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    await runOrFail(component, 'apt-get', ['update', '-qq'], { env, attempts: 2 });
    aptUpdated = true;
  }
  await runOrFail(component, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env });
  const again = await run('sh', ['-c', `command -v ${binary}`]);
  if (again.code !== 0) {
    throw new ComponentFailedError(component, { what: `apt installed ${pkg} but ${binary} is still not on PATH` });
  }
  return again.output.trim();
}

/**
 * Ensures a Go tool at an exact version is in `binDir` (go install with GOBIN). A stamp file records the module version
 * so a version bump reinstalls.
 */
export async function ensureGoTool(component: string, binDir: string, binary: string, module: string, version: string) {
  mkdirSync(binDir, { recursive: true });
  const target = join(binDir, binary);
  const stamp = join(binDir, `.${binary}.version`);
  if (existsSync(target) && existsSync(stamp)) {
    if (readFileSync(stamp, 'utf8').trim() === `${module}@${version}`) return target;
  }
  await runOrFail(component, 'go', ['install', `${module}@${version}`], {
    env: { GOBIN: binDir, GOFLAGS: '-mod=mod' },
  });
  writeFileSync(stamp, `${module}@${version}\n`);
  return target;
}

/** Newest modification time under a list of files (used to rebuild a Maven module when its sources change). */
export function newestMtime(files: string[]): number {
  return Math.max(0, ...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

/** Ensures a directory exists and returns it. */
export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
