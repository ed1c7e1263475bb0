/**
 * Builds the policies to wasm: `opa fmt --fail`, `opa check --strict`, then `opa build -t wasm` with every decision
 * entrypoint into policies/dist/bundle.tar.gz, and extracts policy.wasm and data.json next to it with revision.json
 * (sha256 of the policy sources). Skips everything when the sources and opa version match the last build.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENTRYPOINTS } from '../../../functions/core/policy/entrypoints.js';
import { PolicyBuildError } from '../../../functions/core/policy/errors.js';
import { BUNDLE_FILES, type RevisionFile, revisionFileSchema } from '../../../functions/core/policy/wasm-engine.js';
import { repoRoot } from '../paths.js';
import { opa } from './opa.js';
import { untarGz } from './untar.js';

/** Options for one build; defaults build the working tree into policies/dist. */
export interface BuildOptions {
  srcDir?: string;
  outDir?: string;
  force?: boolean;
}

/** What a build produced (or found already built). */
export interface BuildResult {
  revision: string;
  outDir: string;
  wasmPath: string;
  skipped: boolean;
  ms: number;
}

/** Policy sources (non-test .rego and data.json at the top of `srcDir`), sorted; tests are listed apart. */
export async function listSources(srcDir: string): Promise<{ sources: string[]; tests: string[] }> {
  const names = (await readdir(srcDir)).sort();
  const rego = names.filter((n) => n.endsWith('.rego'));
  return {
    sources: [...rego.filter((n) => !n.endsWith('_test.rego')), ...names.filter((n) => n === 'data.json')],
    tests: rego.filter((n) => n.endsWith('_test.rego')),
  };
}

/** The bundle revision: sha256 over each source's name and bytes. */
export async function sourceRevision(srcDir: string, sources: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const name of sources) {
    hash.update(`${name}\0`);
    hash.update(await readFile(join(srcDir, name)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function readStamp(outDir: string): Promise<RevisionFile | null> {
  try {
    const stamp = revisionFileSchema.safeParse(JSON.parse(await readFile(join(outDir, BUNDLE_FILES.revision), 'utf8')));
    await readFile(join(outDir, BUNDLE_FILES.wasm)); // the stamp alone is not a build
    return stamp.success ? stamp.data : null;
  } catch {
    return null;
  }
}

/**
 * Builds the wasm bundle unless `outDir` already holds a build of the same sources, opa version
 * and entrypoints.
 * @example const { revision } = await buildPolicies();
 */
export async function buildPolicies(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const srcDir = resolve(options.srcDir ?? join(repoRoot, 'policies'));
  const outDir = resolve(options.outDir ?? join(srcDir, 'dist'));
  const { sources, tests } = await listSources(srcDir);
  if (!sources.some((s) => s.endsWith('.rego'))) throw new PolicyBuildError('build', `no .rego sources in ${srcDir}`);
  const revision = await sourceRevision(srcDir, sources);
  const opaVersion = (await opa('version', ['version'])).split('\n')[0]?.trim() ?? 'unknown';
  const stamp: RevisionFile = { revision, opa_version: opaVersion, entrypoints: [...ENTRYPOINTS] };
  const previous = options.force ? null : await readStamp(outDir);
  const ms = () => Math.round(performance.now() - started);
  if (previous && JSON.stringify(previous) === JSON.stringify(stamp)) {
    return { revision, outDir, wasmPath: join(outDir, BUNDLE_FILES.wasm), skipped: true, ms: ms() };
  }

  const regoFiles = [...sources, ...tests].filter((n) => n.endsWith('.rego'));
  await opa('fmt', ['fmt', '--fail', '--list', ...regoFiles], srcDir);
  await opa('check', ['check', '--strict', ...sources, ...tests], srcDir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const bundlePath = join(outDir, 'bundle.tar.gz');
  const entry = ENTRYPOINTS.flatMap((e) => ['-e', e]);
  await opa('build', ['build', '-t', 'wasm', ...entry, '--revision', revision, '-o', bundlePath, ...sources], srcDir);

  const files = untarGz(await readFile(bundlePath));
  const wasm = files.get(BUNDLE_FILES.wasm);
  if (!wasm) throw new PolicyBuildError('build', `${BUNDLE_FILES.wasm} missing from ${bundlePath}`);
  await writeFile(join(outDir, BUNDLE_FILES.wasm), wasm);
  await writeFile(join(outDir, BUNDLE_FILES.data), files.get(BUNDLE_FILES.data) ?? '{}');
  // the stamp goes last: a build interrupted before this point is rebuilt next time
  await writeFile(join(outDir, BUNDLE_FILES.revision), `${JSON.stringify(stamp, null, 2)}\n`);
  return { revision, outDir, wasmPath: join(outDir, BUNDLE_FILES.wasm), skipped: false, ms: ms() };
}
