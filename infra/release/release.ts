/**
 * `npm run release`: build every deployable, write the manifest and the SLSA v1 statement, sign it as a Sigstore DSSE
 * bundle, and verify the result with the same code the deploy gate runs. Releases land in `dist/release/<id>/`, and
 * `dist/release/LATEST` names the newest.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageName } from '../cdk/config/stages.js';
import { repoRoot } from '../local/paths.js';
import { buildDeployables } from './build.js';
import { digestTree, sha256File } from './digest.js';
import { gitState } from './git.js';
import { type LocalKeys, openLocalKeys, sourceRepository } from './keystore.js';
import { type ReleaseFacts, sealRelease } from './sign-release.js';
import type { ReleaseSigner } from './signer.js';
import { LOCAL_BUILDER_ID, RELEASE_FILES } from './statement.js';
import { loadTrustPolicy } from './trust-policy.js';
import { type VerifiedRelease, verifyRelease } from './verify.js';

export const releasesDir = join(repoRoot, 'dist', 'release');
export const latestPointer = join(releasesDir, 'LATEST');

/** The release folder `LATEST` names (what verify-bundle and the synth gate check by default). */
export function latestRelease(): string {
  return join(releasesDir, readFileSync(latestPointer, 'utf8').trim());
}

export interface ReleaseOptions {
  readonly stage: StageName;
  readonly allowDirty: boolean;
  /** Build twice into separate folders and refuse if any artefact differs. */
  readonly checkReproducible: boolean;
  /** Overrides the local key (a KmsSigner in CI). */
  readonly signer?: ReleaseSigner;
}

export interface ReleaseOutcome {
  readonly dir: string;
  /** Verified against the local trust policy (local key only; a KMS-signed release is verified by verify-bundle). */
  readonly verified?: VerifiedRelease;
  readonly keys: LocalKeys;
  readonly reproducible?: boolean;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** Builds, seals and verifies one release. */
export async function release(options: ReleaseOptions, log: (line: string) => void): Promise<ReleaseOutcome> {
  const started = new Date();
  const git = gitState();
  if (git.dirty && !options.allowDirty) {
    throw new Error('the work tree has uncommitted changes: commit them, or pass --allow-dirty (recorded as dirty)');
  }
  const repository = sourceRepository(git.origin);
  const keys = await openLocalKeys(repository);
  const signer = options.signer ?? keys.signer;
  const releaseId = `${stamp(started)}-${git.commit.slice(0, 12)}`;
  const dir = join(releasesDir, releaseId);
  mkdirSync(dir, { recursive: true });
  log(`building ${options.stage} deployables into ${dir}`);
  const record = await buildDeployables(dir, options.stage);
  let reproducible: boolean | undefined;
  if (options.checkReproducible) {
    const again = join(releasesDir, `.rebuild-${releaseId}`);
    await buildDeployables(again, options.stage);
    const first = JSON.stringify(digestTree(join(dir, RELEASE_FILES.artefacts)));
    reproducible = first === JSON.stringify(digestTree(join(again, RELEASE_FILES.artefacts)));
    rmSync(again, { recursive: true, force: true });
    if (!reproducible) throw new Error('two builds of the same tree differ: the build is not reproducible');
    log('rebuilt: every artefact is byte-identical');
  }
  const facts: ReleaseFacts = {
    releaseId,
    createdAt: started.toISOString(),
    commit: git.commit,
    dirty: git.dirty,
    sourceRepository: repository,
    lockfileSha256: sha256File(join(repoRoot, 'package-lock.json')),
    builder: {
      id: process.env.GRAPHGATE_BUILDER_ID ?? LOCAL_BUILDER_ID,
      node: process.version,
      esbuild: record.esbuild,
      opa: record.opa,
    },
    inputs: { stage: options.stage, entries: record.entries, policyRevision: record.policyRevision },
  };
  await sealRelease(dir, facts, signer, started.toISOString());
  writeFileSync(latestPointer, `${releaseId}\n`);
  if (options.signer) return { dir, keys, reproducible };
  const policy = loadTrustPolicy({
    bundle: keys.paths.policyBundle,
    plain: keys.paths.policy,
    rootPublicKeyPem: keys.rootPublicKeyPem,
  });
  const verified = verifyRelease(dir, { policy });
  return { dir, verified, keys, reproducible };
}
