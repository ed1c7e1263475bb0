/**
 * The release manifest and its in-toto statement with a SLSA v1 provenance predicate. The manifest is for people and
 * the synth gate (artefact → sha256, commit, dirty flag, lockfile hash, builder, inputs); the statement is what is
 * signed: every artefact and the manifest itself are its subjects.
 */
import { z } from 'zod';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** The only DSSE payload type a release bundle may carry. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const BUILD_TYPE = 'https://graphgate.dev/release/esbuild@v1';
/** Builder id of `npm run release` on a developer machine; CI sets GRAPHGATE_BUILDER_ID to its workflow identity. */
export const LOCAL_BUILDER_ID = 'https://graphgate.dev/builders/local-development@v1';

/** File names inside a release directory. */
export const RELEASE_FILES = {
  artefacts: 'artefacts',
  manifest: 'manifest.json',
  statement: 'statement.json',
  bundle: 'provenance.sigstore.json',
} as const;

export const manifestSchema = z.object({
  releaseId: z.string(),
  createdAt: z.iso.datetime(),
  commit: z.string(),
  dirty: z.boolean(),
  sourceRepository: z.string(),
  lockfileSha256: z.string(),
  builder: z.object({ id: z.string(), node: z.string(), esbuild: z.string(), opa: z.string().optional() }),
  inputs: z.object({ stage: z.string(), entries: z.record(z.string(), z.string()), policyRevision: z.string() }),
  /** `artefacts/<path>` → sha256, every file of the artefacts folder, sorted. */
  artefacts: z.record(z.string(), z.string()),
});
export type ReleaseManifest = z.infer<typeof manifestSchema>;

const subjectSchema = z.object({ name: z.string(), digest: z.object({ sha256: z.string() }) });

export const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(subjectSchema).min(1),
  predicateType: z.literal(SLSA_PROVENANCE_V1),
  predicate: z.object({
    buildDefinition: z.object({
      buildType: z.string(),
      externalParameters: z.object({ repository: z.string(), ref: z.string(), stage: z.string() }),
      internalParameters: z.record(z.string(), z.unknown()).optional(),
      resolvedDependencies: z.array(
        z.object({ uri: z.string(), digest: z.record(z.string(), z.string()), name: z.string().optional() }),
      ),
    }),
    runDetails: z.object({
      builder: z.object({ id: z.string() }),
      metadata: z.object({ invocationId: z.string(), startedOn: z.iso.datetime(), finishedOn: z.iso.datetime() }),
    }),
  }),
});
export type ReleaseStatement = z.infer<typeof statementSchema>;

/** The statement of a manifest: subjects are every artefact plus manifest.json (digest of its exact bytes). */
export function statementFor(
  manifest: ReleaseManifest,
  manifestSha256: string,
  times: { startedOn: string; finishedOn: string },
): ReleaseStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      ...Object.entries(manifest.artefacts).map(([name, sha256]) => ({ name, digest: { sha256 } })),
      { name: RELEASE_FILES.manifest, digest: { sha256: manifestSha256 } },
    ],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          repository: manifest.sourceRepository,
          ref: manifest.commit,
          stage: manifest.inputs.stage,
        },
        internalParameters: { dirty: manifest.dirty, entries: manifest.inputs.entries },
        resolvedDependencies: [
          { uri: `git+${manifest.sourceRepository}@${manifest.commit}`, digest: { gitCommit: manifest.commit } },
          { uri: 'file:package-lock.json', name: 'package-lock.json', digest: { sha256: manifest.lockfileSha256 } },
          { uri: 'file:policies', name: 'policy-revision', digest: { sha256: manifest.inputs.policyRevision } },
        ],
      },
      runDetails: {
        builder: { id: manifest.builder.id },
        metadata: { invocationId: manifest.releaseId, ...times },
      },
    },
  };
}
