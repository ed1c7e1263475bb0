import { spawn } from 'node:child_process';
import { repoRoot } from './paths.js';
import { installTwin } from './twin.js';

interface Step {
  name: string;
  command: string;
  args: string[];
}

/** Every suite `npm test` runs, in order. */
export const testSteps: Step[] = [
  { name: 'lint + format (biome)', command: 'npx', args: ['biome', 'ci', '.'] },
  { name: 'typecheck (tsc)', command: 'npx', args: ['tsc', '--noEmit', '-p', 'tsconfig.json'] },
  // The adjudication page is browser code (JSX, bundler resolution): its own tsconfig.
  {
    name: 'typecheck: review page (tsc)',
    command: 'npx',
    args: ['tsc', '--noEmit', '-p', 'functions/adjudication/page/tsconfig.json'],
  },
  {
    name: 'architecture (dependency-cruiser)',
    command: 'npx',
    args: [
      'depcruise',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err-long',
      'functions',
      'edge',
      'infra',
      'load',
      'scripts',
    ],
  },
  { name: 'policies: fmt, check --strict, wasm build', command: 'npx', args: ['tsx', 'scripts/build-policies.ts'] },
  { name: 'policies: opa test -v', command: 'npx', args: ['tsx', 'scripts/opa-test.ts'] },
  // The twin's Upstash-REST endpoint is Go (infra/local/upstash-rest): its own unit tests, with the race detector
  // where cgo (a C compiler) is there for it.
  {
    name: 'upstash-rest endpoint: go vet, go test',
    command: 'sh',
    args: [
      '-c',
      'cd infra/local/upstash-rest && go vet ./... && go test $([ "$(go env CGO_ENABLED)" = 1 ] && echo -race) -count=1 ./...',
    ],
  },
  { name: 'unit + integration (vitest)', command: 'npx', args: ['vitest', 'run'] },
  // The load gate (load/profiles.ts `gate`): every scenario at its constant rate on its own scratch twin, 30 s of
  // warm-up and 60 s measured; exits non-zero on a missed threshold or a missing reading, which fails this step. Last,
  // so no other twin shares the cores with it (vitest's has stopped).
  {
    name: 'load gate (npm run load -- --profile gate)',
    command: 'npx',
    args: ['tsx', 'load/load.ts', '--profile', 'gate'],
  },
];

function runStep(step: Step): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', () => resolve(127));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Runs every step even after a failure (so one run reports everything), prints a table of results and returns the
 * exit code: 0 only if all passed. Installs the twin's tools first so a missing tool fails here, loudly.
 */
export async function runTestSteps(extraVitestArgs: string[]): Promise<number> {
  const t0 = Date.now();
  await installTwin((l) => console.log(`[install] ${l}`));
  const results: { name: string; code: number; seconds: number }[] = [];
  for (const step of testSteps) {
    const started = Date.now();
    console.log(`\n=== ${step.name}`);
    const args = step.args[0] === 'vitest' ? [...step.args, ...extraVitestArgs] : step.args;
    const code = await runStep({ ...step, args });
    results.push({ name: step.name, code, seconds: (Date.now() - started) / 1000 });
  }
  const failed = results.filter((r) => r.code !== 0);
  console.log('\nnpm test summary');
  for (const r of results) {
    console.log(`  ${r.code === 0 ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(44)} ${r.seconds.toFixed(1).padStart(6)} s`);
  }
  console.log(`  total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`steps: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}
