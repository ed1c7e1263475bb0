/**
 * The trust policy: which keys may sign releases and when, which keys are revoked, which builder and source repository
 * a release must come from. It is itself a DSSE Sigstore bundle signed by the policy-root key, so an edit without a
 * new signature is refused before any release is judged by it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson } from '../../functions/core/json/canonical.js';
import { openDsse, parseDsseBundle, signDsse } from './dsse.js';
import { ReleaseError } from './errors.js';
import type { ReleaseSigner } from './signer.js';

/** DSSE payload type of a signed trust policy (distinct from a release statement's, so one cannot pass as the other). */
export const TRUST_POLICY_PAYLOAD_TYPE = 'application/vnd.graphgate.trust-policy+json';

const keySchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKeyPem: z.string().includes('BEGIN PUBLIC KEY'),
  label: z.string(),
  validFrom: z.iso.datetime(),
  validUntil: z.iso.datetime(),
});

export const trustPolicySchema = z.object({
  version: z.literal(1),
  /** Increases with every signed edit; a verifier may pin a minimum. */
  serial: z.number().int().nonnegative(),
  issuedAt: z.iso.datetime(),
  builders: z.array(z.string()).min(1),
  sourceRepositories: z.array(z.string()).min(1),
  keys: z.array(keySchema),
  revoked: z.array(z.object({ keyId: z.string(), revokedAt: z.iso.datetime(), reason: z.string() })),
  /** Whether a release built from a work tree with uncommitted changes may pass (local development only). */
  allowDirtyBuilds: z.boolean().default(false),
  /** Keys whose signed approvals may override a freeze window (infra/release/rules/override.ts). */
  approvers: z.array(keySchema).default([]),
});

export type TrustPolicy = z.infer<typeof trustPolicySchema>;
export type TrustedKey = z.infer<typeof keySchema>;

/** Signs a trust policy with the policy-root key; returns the bundle JSON to write next to (or instead of) the policy. */
export function signTrustPolicy(policy: TrustPolicy, root: ReleaseSigner): Promise<unknown> {
  return signDsse(root, Buffer.from(canonicalJson(trustPolicySchema.parse(policy))), TRUST_POLICY_PAYLOAD_TYPE);
}

/**
 * Reads the signed trust policy and verifies it with the pinned policy-root public key. The policy that is returned is
 * the signed payload, never a plain file beside it: a `trust-policy.json` edited by hand has no effect unless it matches
 * the signed one, and then it is refused as unsigned (so nobody believes an edit took effect).
 */
export function loadTrustPolicy(paths: { bundle: string; plain?: string; rootPublicKeyPem: string }): TrustPolicy {
  if (!existsSync(paths.bundle)) {
    throw new ReleaseError(
      'TRUST_POLICY_UNSIGNED',
      `trust policy signature ${paths.bundle} is missing: a trust policy is only accepted signed by the policy-root key (npm run keys:rotate -- --sign-policy)`,
    );
  }
  const bundleJson = JSON.parse(readFileSync(paths.bundle, 'utf8')) as unknown;
  parseDsseBundle(bundleJson, 'trust policy bundle');
  let opened: ReturnType<typeof openDsse>;
  try {
    opened = openDsse(bundleJson, paths.rootPublicKeyPem, 'trust policy');
  } catch (cause) {
    throw new ReleaseError(
      'TRUST_POLICY_SIGNATURE',
      `trust policy ${paths.bundle} is not signed by the pinned policy-root key: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (opened.payloadType !== TRUST_POLICY_PAYLOAD_TYPE) {
    throw new ReleaseError(
      'TRUST_POLICY_SIGNATURE',
      `trust policy bundle has payload type ${opened.payloadType}, expected ${TRUST_POLICY_PAYLOAD_TYPE}`,
    );
  }
  const policy = trustPolicySchema.parse(JSON.parse(opened.payload.toString('utf8')));
  if (paths.plain && existsSync(paths.plain)) {
    const plain = canonicalJson(JSON.parse(readFileSync(paths.plain, 'utf8')));
    if (plain !== opened.payload.toString('utf8')) {
      throw new ReleaseError(
        'TRUST_POLICY_UNSIGNED',
        `${paths.plain} differs from the signed trust policy: edits take effect only when signed by the policy-root key (npm run keys:rotate), never by editing the file`,
      );
    }
  }
  return policy;
}
