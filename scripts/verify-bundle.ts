/**
 * `npm run verify-bundle [-- <release dir>] [--expect-release <id>] [--trust-policy <bundle>] [--policy-root <pem>]`:
 * verifies a release (default: dist/release/LATEST) against the signed trust policy (default: the local key store).
 * Exit codes (infra/release/errors.ts EXIT): 0 verified, 2 usage, 3 bundle missing/malformed, 4 signature/payload
 * type/key, 5 builder/source/release/dirty build, 6 artefacts, 7 trust policy unsigned or badly signed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, ReleaseError } from '../infra/release/errors.js';
import { loadPinnedTrustPolicy } from '../infra/release/keystore.js';
import { latestPointer, latestRelease } from '../infra/release/release.js';
import { verifyRelease } from '../infra/release/verify.js';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const positional = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));

if (!positional && !existsSync(latestPointer)) {
  console.error('verify-bundle: no release given and none built: run `npm run release` or pass a release folder');
  process.exit(EXIT.usage);
}
const dir = resolve(positional ?? latestRelease());

try {
  const policy = loadPinnedTrustPolicy({ trustPolicy: flag('--trust-policy'), policyRoot: flag('--policy-root') });
  const v = verifyRelease(dir, { policy, expectRelease: flag('--expect-release') });
  const m = v.manifest;
  console.log(`VERIFIED ${v.releaseId}`);
  console.log(`  signature   ok  DSSE application/vnd.in-toto+json, key ${v.key.keyId.slice(0, 12)} (${v.key.label})`);
  console.log(
    `  key window  ok  ${v.key.validFrom} – ${v.key.validUntil}, signed ${v.statement.predicate.runDetails.metadata.finishedOn}`,
  );
  console.log(`  builder     ok  ${m.builder.id}`);
  console.log(`  source      ok  ${m.sourceRepository} @ ${m.commit.slice(0, 12)}${m.dirty ? ' (DIRTY tree)' : ''}`);
  console.log(`  artefacts   ok  ${v.artefactCount} digests match, nothing unlisted`);
  console.log(`  policy      ok  trust policy serial ${policy.serial}, signed by the policy root`);
} catch (error) {
  if (error instanceof ReleaseError) {
    console.error(`REFUSED ${dir}\n  ${error.code}: ${error.message}`);
    process.exit(error.exitCode);
  }
  console.error(`verify-bundle: unexpected error: ${(error as Error).message}`);
  process.exit(EXIT.unexpected);
}
