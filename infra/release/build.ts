/**
 * Builds every deployable into `<dir>/artefacts` with the repository's esbuild, with the same options synth uses, so
 * the same commit and lockfile give the same bytes (no timestamps, no absolute paths: source maps are relative and
 * the release folder depth is fixed).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';
import { buildReviewPage } from '../../functions/adjudication/build.js';
import { type StageName, stageConfig } from '../cdk/config/stages.js';
import { nodeBundleOptions, policyBundle, repoRoot } from '../cdk/constructs/bundling.js';
import { EDGE_POLICY_DIR, edgeBuildOptions } from '../cdk/constructs/edge-code.js';
import { edgeBuildConfig } from '../cdk/stacks/edge-stack.js';
import { buildPolicies } from '../local/policies/build.js';
import { edgeEntry, functionEntries, reviewPage, schemaFiles, webEntries } from './deployables.js';
import { ReleaseError } from './errors.js';
import { RELEASE_FILES } from './statement.js';

/** What the build used, recorded in the manifest's builder and inputs. */
export interface BuildRecord {
  readonly esbuild: string;
  readonly policyRevision: string;
  readonly opa: string;
  readonly entries: Record<string, string>;
}

const copy = (from: string, to: string) => {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
};

/** Builds stage `stage`'s deployables into `<dir>/artefacts`. */
export async function buildDeployables(dir: string, stage: StageName): Promise<BuildRecord> {
  const out = join(dir, RELEASE_FILES.artefacts);
  const policies = await buildPolicies();
  const entries: Record<string, string> = {};
  const policyFiles = policyBundle.files.map((f) => join(policies.outDir, f));
  try {
    for (const [name, { entry, policies: withPolicies }] of Object.entries(functionEntries)) {
      entries[`functions/${name}`] = entry;
      await build(nodeBundleOptions(join(repoRoot, entry), join(out, 'functions', name, 'index.mjs')));
      if (withPolicies) {
        for (const f of policyFiles)
          copy(f, join(out, 'functions', name, policyBundle.packageDir, f.split('/').pop()!));
      }
    }
    entries.edge = edgeEntry;
    await build(
      edgeBuildOptions(join(repoRoot, edgeEntry), join(out, 'edge', 'index.mjs'), edgeBuildConfig(stageConfig(stage))),
    );
    for (const f of policyFiles) copy(f, join(out, 'edge', EDGE_POLICY_DIR, f.split('/').pop()!));
    for (const [path, entry] of Object.entries(webEntries)) {
      entries[path] = entry;
      await build({
        entryPoints: [join(repoRoot, entry)],
        outfile: join(out, path),
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2020',
        minify: true,
        logLevel: 'warning',
      });
    }
    entries[reviewPage.artefact] = reviewPage.source;
    await buildReviewPage(join(out, reviewPage.artefact));
  } catch (cause) {
    throw new ReleaseError('BUILD_FAILED', `esbuild failed: ${(cause as Error).message}`, { cause });
  }
  for (const f of policyFiles) copy(f, join(out, 'policies', f.split('/').pop()!));
  for (const f of schemaFiles) copy(join(repoRoot, f), join(out, f));
  const opa = readFileSync(join(policies.outDir, 'revision.json'), 'utf8');
  return {
    esbuild: esbuildVersion,
    policyRevision: policies.revision,
    opa: (JSON.parse(opa) as { opa_version?: string }).opa_version ?? 'unknown',
    entries,
  };
}
