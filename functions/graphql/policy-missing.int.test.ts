import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { originEnv } from '../../infra/local/apps.js';
import { ensureDevKeys } from '../../infra/local/dev-keys.js';
import { repoRoot } from '../../infra/local/paths.js';
import { freePort } from '../../infra/local/process.js';
import { twin } from '../../infra/local/test-support/twin.js';

const require = createRequire(import.meta.url);

describe('failure mode: OPA policy bundle missing', () => {
  it('the origin refuses to start (fail closed) and names the missing bundle and the fix', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'no-policy-')), 'dist');
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), join(repoRoot, 'functions/graphql/server.ts'), '--port', String(port)],
      { env: { ...process.env, ...originEnv(twin(), ensureDevKeys()), POLICY_BUNDLE_DIR: missing }, stdio: 'pipe' },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 60_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).not.toContain('GRAPHGATE_ORIGIN_READY');
    expect(output).toContain('POLICY_BUNDLE_MISSING');
    expect(output).toContain(`no policy bundle in ${missing}; run the policy build`);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
