import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** Writes a tiny repository (path → source) into a temp dir and returns the rules it breaks as `rule: from → to`. */
async function violationsOf(files: Record<string, string>): Promise<string[]> {
  root = mkdtempSync(join(tmpdir(), 'graphgate-arch-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  const { tsConfig: _tsConfig, ...options } = config.options ?? {};
  const result = await cruise(
    ['functions', 'edge', 'infra', 'load', 'scripts'].filter((d) => hasDir(files, d)),
    {
      ...options,
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    },
  );
  if (typeof result.output === 'string') throw new Error('expected a cruise result object');
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

const hasDir = (files: Record<string, string>, dir: string) => Object.keys(files).some((p) => p.startsWith(`${dir}/`));

/** A kernel module and one well-behaved user of it, so a tree without bad imports has no orphans either. */
const base = {
  'functions/core/auth/jwt.ts': 'export const verify = () => true;\n',
  'functions/graphql/handler.ts': "import { verify } from '../core/auth/jwt.js';\nexport const h = verify;\n",
  'edge/app.ts': "import { verify } from '../functions/core/auth/jwt.js';\nexport const app = verify;\n",
};

describe('architecture rules (dependency-cruiser)', () => {
  it('passes a tree that only imports down into the kernel', async () => {
    expect(await violationsOf(base)).toEqual([]);
  });

  it('reports a kernel module that imports the edge', async () => {
    const found = await violationsOf({
      ...base,
      'functions/core/cache/key.ts': "import { app } from '../../../edge/app.js';\nexport const k = app;\n",
    });
    expect(found).toContain('kernel-imports-nothing-outward: functions/core/cache/key.ts → edge/app.ts');
  });

  it('reports a deployable that imports another deployable', async () => {
    const found = await violationsOf({
      ...base,
      'functions/er-intake/app.ts': "import { h } from '../graphql/handler.js';\nexport const a = h;\n",
    });
    expect(found).toContain(
      'no-sideways-between-deployables: functions/er-intake/app.ts → functions/graphql/handler.ts',
    );
  });

  it('reports a deployable that imports the edge, and the edge importing a deployable', async () => {
    const found = await violationsOf({
      ...base,
      'functions/stepup/app.ts': "import { app } from '../../edge/app.js';\nexport const s = app;\n",
      'edge/origin.ts': "import { h } from '../functions/graphql/handler.js';\nexport const o = h;\n",
    });
    expect(found).toEqual([
      'edge-and-deployables-stay-apart: edge/origin.ts → functions/graphql/handler.ts',
      'edge-and-deployables-stay-apart: functions/stepup/app.ts → edge/app.ts',
    ]);
  });

  it('reports a browser page that imports server code, even the kernel', async () => {
    const found = await violationsOf({
      ...base,
      'functions/adjudication/page/src/view.tsx': 'export const view = 1;\n',
      'functions/adjudication/page/src/main.tsx':
        "import { view } from './view.js';\nimport { verify } from '../../../core/auth/jwt.js';\nexport const m = [view, verify];\n",
    });
    expect(found).toEqual([
      'browser-pages-stay-in-the-browser: functions/adjudication/page/src/main.tsx → functions/core/auth/jwt.ts',
    ]);
  });

  it('reports any import of scripts/, and production code importing test support', async () => {
    const found = await violationsOf({
      ...base,
      'scripts/token.ts': "import { verify } from '../functions/core/auth/jwt.js';\nexport const t = verify;\n",
      'infra/local/supervisor.ts': "import { t } from '../../scripts/token.js';\nexport const s = t;\n",
      'functions/graphql/test-support/requests.ts': 'export const r = 1;\n',
      'functions/graphql/app.ts': "import { r } from './test-support/requests.js';\nexport const a = r;\n",
    });
    expect(found).toEqual([
      'nothing-imports-scripts: infra/local/supervisor.ts → scripts/token.ts',
      'production-never-imports-test-support: functions/graphql/app.ts → functions/graphql/test-support/requests.ts',
    ]);
  });

  it('reports the twin importing load, and runtime code importing infra', async () => {
    const found = await violationsOf({
      ...base,
      'load/evidence.ts': "import { verify } from '../functions/core/auth/jwt.js';\nexport const e = verify;\n",
      'infra/local/twin.ts': "import { e } from '../../load/evidence.js';\nexport const t = e;\n",
      'functions/graphql/runtime.ts': "import { t } from '../../infra/local/twin.js';\nexport const r = t;\n",
    });
    expect(found).toEqual([
      'infra-does-not-import-load: infra/local/twin.ts → load/evidence.ts',
      'runtime-code-does-not-reach-up: functions/graphql/runtime.ts → infra/local/twin.ts',
    ]);
  });

  it('reports a cycle and an orphan', async () => {
    const found = await violationsOf({
      ...base,
      'functions/core/stepup/service.ts': "import { a } from './authentication.js';\nexport const s = () => a;\n",
      'functions/core/stepup/authentication.ts': "import { s } from './service.js';\nexport const a = () => s;\n",
      'functions/core/stepup/unused.ts': 'export const nobody = 1;\n',
    });
    expect(found).toEqual([
      'no-circular: functions/core/stepup/authentication.ts → functions/core/stepup/service.ts',
      'no-orphans: functions/core/stepup/unused.ts → functions/core/stepup/unused.ts',
    ]);
  });
});
