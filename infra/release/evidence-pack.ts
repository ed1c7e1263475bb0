/**
 * The evidence bundle of a release: the `evidence/` tree and the runbook drill records, copied with their checksums,
 * plus a chain-of-custody record (who built the release, from which commit, when, and who verified it when), sealed
 * exactly like a release — so `npm run verify-bundle <folder>` verifies it with the same code and trust policy.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { sha256File } from './digest.js';
import { type ReleaseFacts, sealRelease } from './sign-release.js';
import type { ReleaseSigner } from './signer.js';
import { RELEASE_FILES } from './statement.js';
import type { VerifiedRelease } from './verify.js';

/** Who did what to a release, in order. */
export interface CustodyRecord {
  readonly release: string;
  readonly releaseBundleSha256: string;
  readonly built: { by: string; commit: string; dirty: boolean; at: string };
  readonly verified: { by: string; at: string; keyId: string; artefacts: number; result: 'verified' };
  readonly packed: { by: string; at: string; sources: string[] };
}

/** The person and machine running a command (CI sets GITHUB_ACTOR). */
export const actor = (): string => `${process.env.GITHUB_ACTOR ?? userInfo().username}@${hostname()}`;

/**
 * Packs `sources` (folders relative to `root`, e.g. evidence and runbooks/drills) of the verified release in
 * `releaseDir` into `outDir`, writes custody.json, and seals the folder with `signer`.
 */
export async function packEvidence(args: {
  readonly root: string;
  readonly sources: string[];
  readonly releaseDir: string;
  readonly verified: VerifiedRelease;
  readonly outDir: string;
  readonly signer: ReleaseSigner;
  readonly verifiedAt: string;
}): Promise<CustodyRecord> {
  const { verified, outDir } = args;
  const m = verified.manifest;
  const artefacts = join(outDir, RELEASE_FILES.artefacts);
  mkdirSync(artefacts, { recursive: true });
  const present = args.sources.filter((s) => existsSync(join(args.root, s)));
  for (const source of present) cpSync(join(args.root, source), join(artefacts, source), { recursive: true });
  const packedAt = new Date().toISOString();
  const custody: CustodyRecord = {
    release: m.releaseId,
    releaseBundleSha256: sha256File(join(args.releaseDir, RELEASE_FILES.bundle)),
    built: { by: m.builder.id, commit: m.commit, dirty: m.dirty, at: m.createdAt },
    verified: {
      by: actor(),
      at: args.verifiedAt,
      keyId: verified.key.keyId,
      artefacts: verified.artefactCount,
      result: 'verified',
    },
    packed: { by: actor(), at: packedAt, sources: present },
  };
  writeFileSync(join(artefacts, 'custody.json'), `${JSON.stringify(custody, null, 2)}\n`);
  const facts: ReleaseFacts = {
    releaseId: `${m.releaseId}.evidence`,
    createdAt: packedAt,
    commit: m.commit,
    dirty: m.dirty,
    sourceRepository: m.sourceRepository,
    lockfileSha256: m.lockfileSha256,
    builder: m.builder,
    inputs: { stage: m.inputs.stage, entries: {}, policyRevision: m.inputs.policyRevision },
  };
  await sealRelease(outDir, facts, args.signer, packedAt);
  return custody;
}
