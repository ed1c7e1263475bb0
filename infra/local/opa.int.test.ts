import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './install.js';
import { twin } from './test-support/twin.js';

describe('opa twin', () => {
  it('runs `opa test` on a sample policy and reports a failing test as failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opa-sample-'));
    writeFileSync(
      join(dir, 'sample.rego'),
      'package sample\n\nimport rego.v1\n\ndefault allow := false\n\nallow if input.role == "admin"\n',
    );
    writeFileSync(
      join(dir, 'sample_test.rego'),
      'package sample_test\n\nimport data.sample\nimport rego.v1\n\ntest_admin if sample.allow with input as {"role": "admin"}\n\ntest_guest if not sample.allow with input as {"role": "guest"}\n',
    );

    const pass = await run(twin().opaBin, ['test', dir, '-v']);
    writeFileSync(
      join(dir, 'broken_test.rego'),
      'package broken_test\n\nimport data.sample\nimport rego.v1\n\ntest_wrong if sample.allow with input as {"role": "guest"}\n',
    );
    const fail = await run(twin().opaBin, ['test', dir]);

    expect(pass.code, pass.output).toBe(0);
    expect(pass.output).toMatch(/PASS: 2\/2/);
    expect(fail.code).not.toBe(0);
  });

  it('is OPA 1.22.x and vegeta 12.13.0 at the known paths', async () => {
    const opa = await run(twin().opaBin, ['version']);
    // vegeta built by `go install` has no version string of its own; the module version is in the binary's build info.
    const vegeta = await run('go', ['version', '-m', twin().vegetaBin]);
    expect(opa.output).toMatch(/Version: 1\.22\./);
    expect(vegeta.output).toMatch(/mod\s+github.com\/tsenart\/vegeta\/v12\s+v12\.13\.0/);
  });
});
