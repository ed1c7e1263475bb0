/**
 * `npm run release [-- --stage prod] [--allow-dirty] [--check-reproducible]`: builds every deployable, writes the
 * manifest and SLSA v1 provenance, signs it (Sigstore DSSE bundle) and verifies it (infra/release/release.ts).
 */
import { relative } from 'node:path';
import type { StageName } from '../infra/cdk/config/stages.js';
import { ReleaseError } from '../infra/release/errors.js';
import { release } from '../infra/release/release.js';
import { readManifestFile } from '../infra/release/sign-release.js';
import { KmsSigner } from '../infra/release/signer.js';

const argv = process.argv.slice(2);
const stageAt = argv.indexOf('--stage');
const stage = (stageAt >= 0 ? argv[stageAt + 1] : 'prod') as StageName;

try {
  // Deployed builds sign with KMS (GRAPHGATE_KMS_KEY_ID); local ones with the local-development key store.
  const kmsKey = process.env.GRAPHGATE_KMS_KEY_ID;
  const out = await release(
    {
      stage,
      allowDirty: argv.includes('--allow-dirty'),
      checkReproducible: argv.includes('--check-reproducible'),
      signer: kmsKey ? await KmsSigner.create(kmsKey) : undefined,
    },
    (l) => console.log(l),
  );
  const { verified } = out;
  const m = readManifestFile(out.dir);
  console.log(`release ${m.releaseId} (${stage}) from ${m.commit.slice(0, 12)}${m.dirty ? ' DIRTY' : ''}`);
  for (const [name, digest] of Object.entries(m.artefacts)) console.log(`  ${digest.slice(0, 16)}  ${name}`);
  console.log(`lockfile sha256 ${m.lockfileSha256.slice(0, 16)}, builder ${m.builder.id}`);
  if (!verified) {
    console.log(`signed with KMS key ${kmsKey}; verify with npm run verify-bundle -- --trust-policy … --policy-root …`);
  } else {
    console.log(
      `signed by ${verified.key.keyId.slice(0, 12)} (${verified.key.label}); verified ${verified.artefactCount} artefacts`,
    );
  }
  if (verified?.key.label === 'local-development') {
    console.log(
      `note: signed with a LOCAL DEVELOPMENT key from ${relative(process.cwd(), out.keys.paths.dir)}/ — never trusted by a deployed stage`,
    );
  }
  console.log(`wrote ${relative(process.cwd(), out.dir)}/ (manifest.json, statement.json, provenance.sigstore.json)`);
} catch (error) {
  console.error(`release failed: ${(error as Error).message}`);
  process.exit(error instanceof ReleaseError ? error.exitCode : 1);
}
