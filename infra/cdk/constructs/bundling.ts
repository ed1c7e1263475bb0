import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Repository root (where package-lock.json, policies/ and the function entries live). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The wasm policy bundle `npm run policy:build` writes, and where a function finds it at run time. */
export const policyBundle = {
  sourceDir: join(repoRoot, 'policies', 'dist'),
  files: ['policy.wasm', 'data.json', 'revision.json'] as const,
  /** Folder inside the deployment package; `/var/task/policies` in a regional Lambda. */
  packageDir: 'policies',
};

/** Node runtime version the bundles target (the Lambda runtime is set next to it in the construct). */
export const NODE_TARGET = 'node22';

// Bundles are ESM; some dependencies (neo4j-driver, prom-client) still `require` Node built-ins, so give them one.
const ESM_REQUIRE_SHIM = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** Fails early with the fix when the policy bundle has not been built. */
export function assertPolicyBundleBuilt(dir = policyBundle.sourceDir): void {
  const missing = policyBundle.files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new Error(`policy bundle missing in ${dir} (${missing.join(', ')}): run \`npm run policy:build\` first`);
  }
}

/** Copies the policy bundle files into `target` (the edge's local bundling). */
export function copyPolicyBundle(target: string): void {
  assertPolicyBundleBuilt();
  mkdirSync(target, { recursive: true });
  for (const f of policyBundle.files) cpSync(join(policyBundle.sourceDir, f), join(target, f));
}

/**
 * esbuild options shared by every regional function: ESM, minified, with source maps, local esbuild only (synth must
 * never need Docker), the AWS SDK v3 left to the runtime. `withPolicies` copies the wasm bundle after bundling.
 */
export function nodejsBundling(withPolicies: boolean): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: NODE_TARGET,
    minify: true,
    // Error classes take their `name` from the class (core/errors.ts); minified, they must keep it.
    keepNames: true,
    sourceMap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_SHIM,
    externalModules: ['@aws-sdk/*'],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => {
        if (!withPolicies) return [];
        // Checked at synth time too (assertPolicyBundleBuilt); the hook only copies.
        const dest = `${outputDir}/${policyBundle.packageDir}`;
        return [
          `mkdir -p "${dest}"`,
          ...policyBundle.files.map((f) => `cp "${join(policyBundle.sourceDir, f)}" "${dest}/${f}"`),
        ];
      },
    },
  };
}

/**
 * The same options for esbuild's own API, where a bundle is built outside CDK: the Lambda@Edge bundle and every
 * artefact of `npm run release`, so all of them are built alike.
 */
export function nodeBundleOptions(entryPath: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_SHIM },
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  };
}

export { ESM_REQUIRE_SHIM };
