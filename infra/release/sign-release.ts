import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../functions/core/json/canonical.js';
import { digestTree, sha256 } from './digest.js';
import { signDsse } from './dsse.js';
import type { ReleaseSigner } from './signer.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  RELEASE_FILES,
  type ReleaseManifest,
  type ReleaseStatement,
  statementFor,
} from './statement.js';

/** A release's facts before its artefacts are hashed. */
export type ReleaseFacts = Omit<ReleaseManifest, 'artefacts'>;

/**
 * Seals the release directory `dir` (its `artefacts/` already built): hashes every artefact, writes manifest.json,
 * the statement (readable copy) and the DSSE Sigstore bundle signed by `signer`.
 */
export async function sealRelease(
  dir: string,
  facts: ReleaseFacts,
  signer: ReleaseSigner,
  startedOn: string,
  finishedOn = new Date().toISOString(),
): Promise<{ manifest: ReleaseManifest; statement: ReleaseStatement }> {
  const tree = digestTree(join(dir, RELEASE_FILES.artefacts));
  const artefacts = Object.fromEntries(
    Object.entries(tree).map(([path, digest]) => [`${RELEASE_FILES.artefacts}/${path}`, digest]),
  );
  const manifest: ReleaseManifest = { ...facts, artefacts };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dir, RELEASE_FILES.manifest), manifestText);
  const statement = statementFor(manifest, sha256(manifestText), { startedOn, finishedOn });
  writeFileSync(join(dir, RELEASE_FILES.statement), `${JSON.stringify(statement, null, 2)}\n`);
  const bundle = await signDsse(signer, Buffer.from(canonicalJson(statement)), IN_TOTO_PAYLOAD_TYPE);
  writeFileSync(join(dir, RELEASE_FILES.bundle), `${JSON.stringify(bundle, null, 2)}\n`);
  return { manifest, statement };
}

/** Reads a release's manifest. */
export const readManifestFile = (dir: string): ReleaseManifest =>
  JSON.parse(readFileSync(join(dir, RELEASE_FILES.manifest), 'utf8')) as ReleaseManifest;
