/**
 * The deploy gate in the CDK app: with `-c requireVerifiedBundle=true` (CD always sets it) synth first verifies the
 * release bundle (`-c releaseDir=…`, default dist/release/LATEST) with Verify-Bundle against the signed trust policy,
 * checks it was built for this stage from this commit, and only then builds the stacks — whose Lambda and
 * Lambda@Edge code then comes from the verified artefacts instead of being bundled at synth. Any failure stops synth
 * with the code and reason, so `cdk deploy` cannot ship an unverified, tampered or mismatched bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { artefactOfEntry, edgeEntry, reviewPage } from '../release/deployables.js';
import { ReleaseError } from '../release/errors.js';
import { gitState } from '../release/git.js';
import { loadPinnedTrustPolicy } from '../release/keystore.js';
import { RELEASE_FILES } from '../release/statement.js';
import { verifyRelease } from '../release/verify.js';
import { repoRoot } from './constructs/bundling.js';

/** Thrown by synth when the gate refuses; the message names the check that failed. */
export class ReleaseGateError extends Error {
  override readonly name = 'ReleaseGateError';
}

// Set only by the gate after verification (never from context, so `-c` cannot mark a bundle verified).
const verified = new WeakMap<IConstruct, string>();

/** The verified release folder the app deploys from, if the gate ran for it. */
export function verifiedReleaseOf(scope: IConstruct): string | undefined {
  return verified.get(scope.node.root);
}

/** The verified artefact folder of a regional function entry (throws if the verified release lacks it). */
export function releasedFunctionCode(scope: IConstruct, entry: string): string | undefined {
  const dir = verifiedReleaseOf(scope);
  if (!dir) return undefined;
  const artefact = artefactOfEntry(entry);
  if (!artefact)
    throw new ReleaseGateError(`synth refused: ${entry} is not a release deployable (infra/release/deployables.ts)`);
  return join(dir, RELEASE_FILES.artefacts, artefact);
}

/** The verified Lambda@Edge artefact folder, if deploying from a release. */
export function releasedEdgeCode(scope: IConstruct, entry: string): string | undefined {
  const dir = verifiedReleaseOf(scope);
  if (!dir) return undefined;
  if (entry !== edgeEntry) throw new ReleaseGateError(`synth refused: ${entry} is not the released edge entry`);
  return join(dir, RELEASE_FILES.artefacts, 'edge');
}

/** The verified review page assets, if deploying from a release. */
export function releasedReviewPage(scope: IConstruct): string | undefined {
  const dir = verifiedReleaseOf(scope);
  return dir && join(dir, RELEASE_FILES.artefacts, reviewPage.artefact);
}

const truthy = (v: unknown) => v === true || v === 'true';

/**
 * Runs the gate for `stage` when the app requires it. Context: `requireVerifiedBundle`, `releaseDir`, `trustPolicy`
 * (signed bundle; default the local key store's), `policyRoot` (pinned PEM; default the local store's).
 */
export function releaseGate(app: App, stage: string): string | undefined {
  if (!truthy(app.node.tryGetContext('requireVerifiedBundle'))) return undefined;
  const ctx = (k: string) => app.node.tryGetContext(k) as string | undefined;
  const latest = join(repoRoot, 'dist', 'release', 'LATEST');
  const dirCtx = ctx('releaseDir');
  if (!dirCtx && !existsSync(latest)) {
    throw new ReleaseGateError(
      'synth refused: a verified release bundle is required and none was given (-c releaseDir=…) or built (npm run release)',
    );
  }
  const dir = resolve(repoRoot, dirCtx ?? join('dist', 'release', readFileSync(latest, 'utf8').trim()));
  try {
    const policy = loadPinnedTrustPolicy({ trustPolicy: ctx('trustPolicy'), policyRoot: ctx('policyRoot') });
    const release = verifyRelease(dir, { policy, expectRelease: ctx('expectRelease') });
    const m = release.manifest;
    if (m.inputs.stage !== stage) {
      throw new ReleaseError(
        'RELEASE_MISMATCH',
        `the release was built for stage ${m.inputs.stage}, this synth is for ${stage}`,
      );
    }
    const head = gitState().commit;
    if (m.commit !== head) {
      throw new ReleaseError(
        'RELEASE_MISMATCH',
        `the release was built from ${m.commit.slice(0, 12)}, the CDK app is at ${head.slice(0, 12)}`,
      );
    }
  } catch (error) {
    if (error instanceof ReleaseError)
      throw new ReleaseGateError(`synth refused: release ${dir} — ${error.code}: ${error.message}`);
    throw error;
  }
  verified.set(app.node.root, dir);
  return dir;
}
