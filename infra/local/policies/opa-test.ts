import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import { opaBin } from './opa.js';

/** Result of one `opa test` run. */
export interface OpaTestResult {
  ok: boolean;
  passed: number;
  failed: number;
  output: string;
}

/**
 * Runs the Rego unit packs with `opa test <dir> -v` and parses its PASS/FAIL summary. The build output and the recorded
 * simulation inputs are ignored: both would otherwise load as data.
 */
export function runOpaTests(dir = join(repoRoot, 'policies')): Promise<OpaTestResult> {
  // opa's default 5 s per test is a wall-clock limit; the table-driven packs (write_test.rego) must not fail on a busy machine.
  const args = ['test', dir, '-v', '--ignore', 'dist', '--ignore', 'simulation', '--timeout', '120s'];
  return new Promise((done) => {
    execFile(opaBin(), args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const count = (label: string) => Number(new RegExp(`^${label}: (\\d+)/`, 'm').exec(output)?.[1] ?? 0);
      done({ ok: error === null, passed: count('PASS'), failed: count('FAIL'), output });
    });
  });
}
