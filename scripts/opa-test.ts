/**
 * Runs the Rego unit packs: `opa test policies/ -v`, ignoring the build output and the recorded
 * simulation inputs (both would otherwise load as data). Exits non-zero when a test fails.
 *
 *   tsx scripts/opa-test.ts [dir]
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opaBin } from './build-policies.js';

/** Result of one `opa test` run. */
export interface OpaTestResult {
  ok: boolean;
  passed: number;
  failed: number;
  output: string;
}

/** Runs `opa test <dir> -v` and parses its PASS/FAIL summary. */
export function runOpaTests(
  dir = resolve(fileURLToPath(import.meta.url), '..', '..', 'policies'),
): Promise<OpaTestResult> {
  const args = ['test', dir, '-v', '--ignore', 'dist', '--ignore', 'simulation'];
  return new Promise((done) => {
    execFile(opaBin(), args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const count = (label: string) => Number(new RegExp(`^${label}: (\\d+)/`, 'm').exec(output)?.[1] ?? 0);
      done({ ok: error === null, passed: count('PASS'), failed: count('FAIL'), output });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runOpaTests(process.argv[2] ? resolve(process.argv[2]) : undefined);
  process.stdout.write(result.output);
  if (!result.ok) {
    console.error(`opa test failed (${result.failed} failing)`);
    process.exit(1);
  }
}
