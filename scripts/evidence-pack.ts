/**
 * `npm run release:evidence [-- <release dir>]`: verifies the release (default dist/release/LATEST) against the local
 * trust policy, then packs evidence/ and runbooks/drills with checksums and a chain-of-custody record into
 * `<release dir>.evidence/`, signed like a release: `npm run verify-bundle -- <that folder>` verifies it.
 */
import { relative, resolve } from 'node:path';
import { repoRoot } from '../infra/local/paths.js';
import { ReleaseError } from '../infra/release/errors.js';
import { packEvidence } from '../infra/release/evidence-pack.js';
import { gitState } from '../infra/release/git.js';
import { openLocalKeys, sourceRepository } from '../infra/release/keystore.js';
import { latestRelease } from '../infra/release/release.js';
import { loadTrustPolicy } from '../infra/release/trust-policy.js';
import { verifyRelease } from '../infra/release/verify.js';

try {
  const releaseDir = resolve(process.argv[2] ?? latestRelease());
  const keys = await openLocalKeys(sourceRepository(gitState().origin));
  const policy = loadTrustPolicy({
    bundle: keys.paths.policyBundle,
    plain: keys.paths.policy,
    rootPublicKeyPem: keys.rootPublicKeyPem,
  });
  const verifiedAt = new Date().toISOString();
  const verified = verifyRelease(releaseDir, { policy });
  const outDir = `${releaseDir}.evidence`;
  const custody = await packEvidence({
    root: repoRoot,
    sources: ['evidence', 'runbooks/drills'],
    releaseDir,
    verified,
    outDir,
    signer: keys.signer,
    verifiedAt,
  });
  const packed = verifyRelease(outDir, { policy });
  console.log(`evidence of ${custody.release}: ${packed.artefactCount} files (${custody.packed.sources.join(', ')})`);
  console.log(`  built    ${custody.built.at} by ${custody.built.by} from ${custody.built.commit.slice(0, 12)}`);
  console.log(
    `  verified ${custody.verified.at} by ${custody.verified.by} (key ${custody.verified.keyId.slice(0, 12)})`,
  );
  console.log(`  packed   ${custody.packed.at} by ${custody.packed.by}; signed and verified`);
  console.log(
    `wrote ${relative(process.cwd(), outDir)}/ — check with: npm run verify-bundle -- ${relative(process.cwd(), outDir)}`,
  );
} catch (error) {
  console.error(`release:evidence failed: ${(error as Error).message}`);
  process.exit(error instanceof ReleaseError ? error.exitCode : 1);
}
