/**
 * The one errors module of releases: every refusal of `verify-bundle`, the synth gate and the release rules carries a
 * stable code (what CI and tests branch on), a message a person can act on, and an exit code per family.
 */
import { DomainError, type DomainErrorOptions } from '../../functions/core/errors.js';

/** Why a bundle, a trust policy or a deploy was refused. Each tamper case maps to exactly one. */
export type ReleaseErrorCode =
  | 'BUNDLE_MISSING'
  | 'BUNDLE_MALFORMED'
  | 'SIGNATURE_INVALID'
  | 'PAYLOAD_TYPE'
  | 'UNKNOWN_KEY'
  | 'KEY_REVOKED'
  | 'KEY_OUTSIDE_VALIDITY'
  | 'BUILDER_NOT_ALLOWED'
  | 'SOURCE_NOT_ALLOWED'
  | 'DIRTY_BUILD'
  | 'RELEASE_MISMATCH'
  | 'ARTEFACT_DIGEST'
  | 'ARTEFACT_MISSING'
  | 'ARTEFACT_UNLISTED'
  | 'ARTEFACT_PATH'
  | 'TRUST_POLICY_UNSIGNED'
  | 'TRUST_POLICY_SIGNATURE'
  | 'KEY_MATERIAL'
  | 'BUILD_FAILED';

/** Exit codes of the release commands: 0 ok, 1 unexpected, 2 usage; these per family. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  /** The bundle is missing or not a Sigstore bundle. */
  malformed: 3,
  /** Signature, payload type or key: the statement cannot be trusted. */
  signature: 4,
  /** The statement is trusted but the trust policy refuses it (builder, source, release). */
  policy: 5,
  /** The artefacts on disk are not the ones the statement names. */
  artefacts: 6,
  /** The trust policy itself is unsigned or its signature fails. */
  trustPolicy: 7,
} as const;

const EXIT_OF: Record<ReleaseErrorCode, number> = {
  BUNDLE_MISSING: EXIT.malformed,
  BUNDLE_MALFORMED: EXIT.malformed,
  SIGNATURE_INVALID: EXIT.signature,
  PAYLOAD_TYPE: EXIT.signature,
  UNKNOWN_KEY: EXIT.signature,
  KEY_REVOKED: EXIT.signature,
  KEY_OUTSIDE_VALIDITY: EXIT.signature,
  BUILDER_NOT_ALLOWED: EXIT.policy,
  SOURCE_NOT_ALLOWED: EXIT.policy,
  DIRTY_BUILD: EXIT.policy,
  RELEASE_MISMATCH: EXIT.policy,
  ARTEFACT_DIGEST: EXIT.artefacts,
  ARTEFACT_MISSING: EXIT.artefacts,
  ARTEFACT_UNLISTED: EXIT.artefacts,
  ARTEFACT_PATH: EXIT.artefacts,
  TRUST_POLICY_UNSIGNED: EXIT.trustPolicy,
  TRUST_POLICY_SIGNATURE: EXIT.trustPolicy,
  KEY_MATERIAL: EXIT.usage,
  BUILD_FAILED: EXIT.unexpected,
};

/** A refusal with its code, a message that says what to do, and the exit code of its family. */
export class ReleaseError extends DomainError<ReleaseErrorCode> {
  readonly exitCode: number;

  constructor(code: ReleaseErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(code, message, options);
    this.exitCode = EXIT_OF[code];
  }
}
