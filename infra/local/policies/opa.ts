import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PolicyBuildError } from '../../../functions/core/policy/errors.js';
import { opaBin as installedOpa, repoRoot } from '../paths.js';

const run = promisify(execFile);

/** The opa CLI: GRAPHGATE_OPA_BIN, else the one the local twin installs (infra/local/paths.ts). */
export function opaBin(): string {
  return process.env.GRAPHGATE_OPA_BIN ?? installedOpa;
}

/** Runs opa with `args`; a non-zero exit becomes PolicyBuildError carrying opa's output. */
export async function opa(step: string, args: string[], cwd = repoRoot): Promise<string> {
  try {
    const { stdout } = await run(opaBin(), args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new PolicyBuildError(step, [e.stdout, e.stderr].filter(Boolean).join('\n') || e.message);
  }
}
