import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPolicies } from '../../../infra/local/policies/build.js';
import { runOpaTests } from '../../../infra/local/policies/opa-test.js';

const POLICIES = join(import.meta.dirname, '..', '..', '..', 'policies');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'graphgate-opa-int-'));
  await cp(POLICIES, join(work, 'policies'), { recursive: true, filter: (src) => !src.includes('/dist') });
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('opa test', () => {
  it('passes the Rego unit packs', async () => {
    const result = await runOpaTests(POLICIES);
    expect(result.output).toContain('PASS');
    expect(result.failed).toBe(0);
    expect(result.ok).toBe(true);
  });

  it('fails when a policy default is broken (the packs can fail)', async () => {
    const dir = join(work, 'mutant');
    await cp(join(work, 'policies'), dir, { recursive: true });
    const data = JSON.parse(await readFile(join(dir, 'data.json'), 'utf8'));
    data.config.retention.pii_tier = 'standard-365d';
    await writeFile(join(dir, 'data.json'), JSON.stringify(data));
    const result = await runOpaTests(dir);
    expect(result.ok).toBe(false);
    expect(result.failed).toBeGreaterThan(0);
  });
});

describe('buildPolicies', () => {
  it('skips an unchanged build and rebuilds with a new revision when a source changes', async () => {
    const src = join(work, 'policies');
    const out = join(work, 'out');
    const first = await buildPolicies({ srcDir: src, outDir: out });
    const again = await buildPolicies({ srcDir: src, outDir: out });
    expect(first.skipped).toBe(false);
    expect(again).toMatchObject({ skipped: true, revision: first.revision });

    const lib = join(src, 'lib.rego');
    await writeFile(
      lib,
      `${await readFile(lib, 'utf8')}\n# METADATA\n# title: lib.extra\n# description: A harmless extra rule.\nextra := 1\n`,
    );
    const changed = await buildPolicies({ srcDir: src, outDir: out });
    expect(changed.skipped).toBe(false);
    expect(changed.revision).not.toBe(first.revision);
  });

  it('refuses sources that are not opa fmt formatted', async () => {
    const src = join(work, 'unformatted');
    await cp(join(work, 'policies'), src, { recursive: true });
    await writeFile(join(src, 'lib.rego'), `${await readFile(join(src, 'lib.rego'), 'utf8')}\nbad   :=    2\n`);
    await expect(buildPolicies({ srcDir: src, outDir: join(src, 'dist') })).rejects.toThrow(/opa fmt failed/);
  });
});
