import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../local/paths.js';
import { createWorld, type TamperWorld } from './tamper-cases.js';

// The command a person and CI run, end to end: its exit codes and what it prints.
const verifyBundle = (world: TamperWorld, dir: string) =>
  spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(repoRoot, 'scripts', 'verify-bundle.ts'),
      dir,
      '--trust-policy',
      world.keys.paths.policyBundle,
      '--policy-root',
      world.keys.paths.rootPublicKey,
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );

describe('npm run verify-bundle', () => {
  let world: TamperWorld;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world.dispose());

  it('exits 0 and lists what it checked for a good release', () => {
    const run = verifyBundle(world, world.a);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('VERIFIED rel-a');
    expect(run.stdout).toMatch(/artefacts\s+ok\s+4 digests match/);
  }, 30_000);

  it('exits 6 naming the changed artefact and the fix when an artefact was tampered with', () => {
    appendFileSync(join(world.b, 'artefacts', 'edge', 'index.mjs'), '// tampered\n');

    const run = verifyBundle(world, world.b);

    expect(run.status).toBe(6);
    expect(run.stderr).toContain('ARTEFACT_DIGEST: changed: artefacts/edge/index.mjs');
    expect(run.stderr).toContain('rebuild with npm run release');
  }, 30_000);
});
