import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { type BuildOptions, buildSync } from 'esbuild';
import { releasedEdgeCode } from '../release-gate.js';
import { copyPolicyBundle, nodeBundleOptions, repoRoot } from './bundling.js';

/**
 * What the Lambda@Edge bundle knows at build time, baked in as the `__GRAPHGATE_EDGE_CONFIG__` constant (Lambda@Edge
 * has no environment variables). It is the non-secret part of `edge/config.ts`'s EdgeConfig: synth runs without
 * credentials, so secret values are referenced by name (fetched at cold start), and the origin URL is a deploy-time
 * value the origin-request event carries (`cf.request.origin.custom.domainName`).
 */
export interface EdgeBuildConfig {
  readonly stage: string;
  readonly jwt: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  /** Secret names in `region`: upstash `{"url","token"}`, signingKeys `{"keys":"kid:secret[,…]"}` (first is current). */
  readonly secrets: { readonly region: string; readonly upstash: string; readonly signingKeys: string };
}

/** The identifier the edge adapter declares (`declare const __GRAPHGATE_EDGE_CONFIG__`). */
export const EDGE_CONFIG_DEFINE = '__GRAPHGATE_EDGE_CONFIG__';
/** Folder next to the handler where the adapter loads the policy bundle from. */
export const EDGE_POLICY_DIR = 'policy';

/**
 * Lambda@Edge code: `entry` bundled by the local esbuild into `index.mjs` (+ source map) with `config` baked in and the
 * policy bundle copied next to it. `EdgeFunction` takes plain function props, so this replaces NodejsFunction's bundling
 * with the same settings. The Docker image is never used (local bundling always succeeds or throws).
 */
export function edgeCode(scope: IConstruct, entry: string, config: EdgeBuildConfig): Code {
  // Deploying a verified release: its artefact, built with these same options by `npm run release`.
  const released = releasedEdgeCode(scope, entry);
  if (released) return Code.fromAsset(released);
  const entryPath = join(repoRoot, entry);
  if (!existsSync(entryPath)) throw new Error(`edge entry ${entry} does not exist`);
  return Code.fromAsset(join(repoRoot, 'edge'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir: string) {
          buildSync(edgeBuildOptions(entryPath, join(outputDir, 'index.mjs'), config));
          copyPolicyBundle(join(outputDir, EDGE_POLICY_DIR));
          return true;
        },
      },
    },
  });
}

/** esbuild options of the Lambda@Edge bundle, shared by synth and `npm run release` so both build the same bytes. */
export function edgeBuildOptions(entryPath: string, outfile: string, config: EdgeBuildConfig): BuildOptions {
  return { ...nodeBundleOptions(entryPath, outfile), define: { [EDGE_CONFIG_DEFINE]: JSON.stringify(config) } };
}
