/**
 * Verify-Bundle: decides whether a release directory may be deployed. In order — the bundle parses; it claims a key the
 * trust policy knows, not revoked; it is a DSSE envelope of an in-toto statement (payload type checked before anything
 * reads the payload); the signature verifies (`@sigstore/verify`, offline); the key was valid when the release was
 * built; builder and source repository are allowed; the bundle belongs to this directory's release; every subject
 * name stays inside `artefacts/` (or is the manifest); and every artefact on disk is exactly one the statement names. The first refusal throws a ReleaseError with its own code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { listFiles, sha256File } from './digest.js';
import { keyHintOf, openDsse, parseDsseBundle } from './dsse.js';
import { ReleaseError } from './errors.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  manifestSchema,
  RELEASE_FILES,
  type ReleaseManifest,
  type ReleaseStatement,
  SLSA_PROVENANCE_V1,
  STATEMENT_TYPE,
  statementSchema,
} from './statement.js';
import type { TrustedKey, TrustPolicy } from './trust-policy.js';

export interface VerifyOptions {
  readonly policy: TrustPolicy;
  /** Refuse unless the bundle is for this release id (a deploy pins the release it was asked to ship). */
  readonly expectRelease?: string;
}

/** A release that passed: what was checked, for the caller to print or record. */
export interface VerifiedRelease {
  readonly releaseId: string;
  readonly key: TrustedKey;
  readonly manifest: ReleaseManifest;
  readonly statement: ReleaseStatement;
  readonly artefactCount: number;
}

const short = (id: string) => id.slice(0, 12);

/** Verifies the release in `dir` against `options.policy`; throws the first refusal. */
export function verifyRelease(dir: string, options: VerifyOptions): VerifiedRelease {
  const { policy } = options;
  const bundlePath = join(dir, RELEASE_FILES.bundle);
  if (!existsSync(bundlePath)) {
    throw new ReleaseError('BUNDLE_MISSING', `no ${RELEASE_FILES.bundle} in ${dir}: run \`npm run release\` first`);
  }
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(readFileSync(bundlePath, 'utf8'));
  } catch (cause) {
    throw new ReleaseError('BUNDLE_MALFORMED', `${bundlePath} is not JSON`, { cause });
  }
  const bundle = parseDsseBundle(bundleJson, bundlePath);

  const keyId = keyHintOf(bundle) ?? '';
  const revoked = policy.revoked.find((r) => r.keyId === keyId);
  if (revoked) {
    throw new ReleaseError(
      'KEY_REVOKED',
      `signed by key ${short(keyId)}, revoked at ${revoked.revokedAt} (${revoked.reason}): rebuild and sign with a current key (npm run release)`,
    );
  }
  const key = policy.keys.find((k) => k.keyId === keyId);
  if (!key) {
    throw new ReleaseError(
      'UNKNOWN_KEY',
      `signed by key ${short(keyId) || '(none)'}, which the trust policy does not list (trusted: ${policy.keys.map((k) => short(k.keyId)).join(', ') || 'none'}); add it with npm run keys:rotate or sign with a trusted key`,
    );
  }

  const payloadType = bundle.content.dsseEnvelope.payloadType;
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ReleaseError(
      'PAYLOAD_TYPE',
      `bundle payload type is "${payloadType}", a release must be "${IN_TOTO_PAYLOAD_TYPE}": this is not a release attestation`,
    );
  }
  const opened = openDsse(bundleJson, key.publicKeyPem, 'release bundle');
  const statement = parseStatement(opened.payload);

  const { metadata, builder } = statement.predicate.runDetails;
  const signedAt = Date.parse(metadata.finishedOn);
  if (signedAt < Date.parse(key.validFrom) || signedAt > Date.parse(key.validUntil)) {
    throw new ReleaseError(
      'KEY_OUTSIDE_VALIDITY',
      `key ${short(keyId)} (${key.label}) is valid ${key.validFrom} – ${key.validUntil}, but the release was signed at ${metadata.finishedOn}: rebuild with the current key`,
    );
  }
  if (!policy.builders.includes(builder.id)) {
    throw new ReleaseError(
      'BUILDER_NOT_ALLOWED',
      `built by "${builder.id}"; the trust policy requires one of: ${policy.builders.join(', ')}`,
    );
  }
  const repository = statement.predicate.buildDefinition.externalParameters.repository;
  if (!policy.sourceRepositories.includes(repository)) {
    throw new ReleaseError(
      'SOURCE_NOT_ALLOWED',
      `built from "${repository}"; the trust policy allows: ${policy.sourceRepositories.join(', ')}`,
    );
  }

  const internal = statement.predicate.buildDefinition.internalParameters;
  if (internal?.dirty === true && !policy.allowDirtyBuilds) {
    throw new ReleaseError(
      'DIRTY_BUILD',
      'the release was built from a work tree with uncommitted changes, which this trust policy refuses: commit, then npm run release',
    );
  }

  const manifest = readManifest(dir);
  if (manifest.releaseId !== metadata.invocationId) {
    throw new ReleaseError(
      'RELEASE_MISMATCH',
      `the bundle attests release ${metadata.invocationId} but ${dir} holds release ${manifest.releaseId}: the bundle was copied from another release`,
    );
  }
  if (options.expectRelease && options.expectRelease !== manifest.releaseId) {
    throw new ReleaseError(
      'RELEASE_MISMATCH',
      `expected release ${options.expectRelease}, found ${manifest.releaseId}: deploy the release you approved`,
    );
  }
  checkArtefacts(dir, statement);
  const artefactCount = statement.subject.length - 1;
  return { releaseId: manifest.releaseId, key, manifest, statement, artefactCount };
}

function parseStatement(payload: Buffer): ReleaseStatement {
  let raw: { _type?: unknown; predicateType?: unknown };
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (cause) {
    throw new ReleaseError('PAYLOAD_TYPE', 'the signed payload is not JSON, so not an in-toto statement', { cause });
  }
  if (raw._type !== STATEMENT_TYPE || raw.predicateType !== SLSA_PROVENANCE_V1) {
    throw new ReleaseError(
      'PAYLOAD_TYPE',
      `the signed payload is ${String(raw._type)} / ${String(raw.predicateType)}, expected ${STATEMENT_TYPE} with ${SLSA_PROVENANCE_V1}`,
    );
  }
  const parsed = statementSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ReleaseError('BUNDLE_MALFORMED', `the statement does not match SLSA v1: ${parsed.error.message}`);
  }
  return parsed.data;
}

function readManifest(dir: string): ReleaseManifest {
  const path = join(dir, RELEASE_FILES.manifest);
  if (!existsSync(path)) throw new ReleaseError('ARTEFACT_MISSING', `${path} is missing: the release is incomplete`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new ReleaseError('BUNDLE_MALFORMED', `${path} is not a release manifest`);
  return parsed.data;
}

/**
 * Why a subject name is not one a release can hold, or undefined when it is: `manifest.json`, or `artefacts/<path>`
 * with plain relative segments. A signed statement is trusted to say which bytes were built, never where to read
 * them from, so a name that could leave the release directory is refused before it touches the file system.
 */
export function subjectPathProblem(name: string): string | undefined {
  if (name === RELEASE_FILES.manifest) return undefined;
  if (/[\\\0]/.test(name)) return 'it holds a backslash or NUL';
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) return 'it is an absolute path';
  const segments = name.split('/');
  if (segments.includes('..')) return 'it has a ".." segment';
  if (segments.some((s) => s === '' || s === '.')) return 'it has an empty or "." segment';
  if (segments[0] !== RELEASE_FILES.artefacts || segments.length < 2) {
    return `it is outside ${RELEASE_FILES.artefacts}/ (a release names only ${RELEASE_FILES.artefacts}/<path> and ${RELEASE_FILES.manifest})`;
  }
  return undefined;
}

/** Refuses the first subject whose name could point outside the release's artefacts (see subjectPathProblem). */
function checkSubjectPaths(dir: string, statement: ReleaseStatement): void {
  const artefactsDir = resolve(dir, RELEASE_FILES.artefacts);
  for (const { name } of statement.subject) {
    const inside = name === RELEASE_FILES.manifest || resolve(dir, name).startsWith(`${artefactsDir}${sep}`);
    const problem = subjectPathProblem(name) ?? (inside ? undefined : `it resolves outside ${artefactsDir}`);
    if (problem) {
      throw new ReleaseError(
        'ARTEFACT_PATH',
        `the signed statement names subject ${JSON.stringify(name)}, and ${problem} — refuse this release: ` +
          'npm run release never signs such a name, so the statement was made by hand or by another tool; rebuild with npm run release',
        { context: { subject: name } },
      );
    }
  }
}

/** Every subject present with its digest, and nothing in artefacts/ that no subject names; reports all differences. */
function checkArtefacts(dir: string, statement: ReleaseStatement): void {
  checkSubjectPaths(dir, statement);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const subject of statement.subject) {
    const path = join(dir, subject.name);
    if (!existsSync(path)) missing.push(subject.name);
    else if (sha256File(path) !== subject.digest.sha256) changed.push(subject.name);
  }
  const named = new Set(statement.subject.map((s) => s.name));
  const artefactsDir = join(dir, RELEASE_FILES.artefacts);
  const onDisk = existsSync(artefactsDir) ? listFiles(artefactsDir).map((f) => `${RELEASE_FILES.artefacts}/${f}`) : [];
  const unlisted = onDisk.filter((f) => !named.has(f));
  const detail = [
    changed.length ? `changed: ${changed.join(', ')}` : '',
    missing.length ? `missing: ${missing.join(', ')}` : '',
    unlisted.length ? `not in the statement: ${unlisted.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const hint = 'the artefacts are not the ones that were signed: rebuild with npm run release';
  if (changed.length) throw new ReleaseError('ARTEFACT_DIGEST', `${detail} — ${hint}`, { context: { changed } });
  if (missing.length) throw new ReleaseError('ARTEFACT_MISSING', `${detail} — ${hint}`, { context: { missing } });
  if (unlisted.length) throw new ReleaseError('ARTEFACT_UNLISTED', `${detail} — ${hint}`, { context: { unlisted } });
}
