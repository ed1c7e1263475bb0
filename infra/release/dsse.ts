/**
 * Signs and opens DSSE Sigstore bundles with a key from the trust policy, fully offline: no Fulcio certificate, no
 * Rekor entry, no timestamp authority (the trust policy's key list is the trust root; thresholds are set to 0).
 */
import { createPublicKey } from 'node:crypto';
import { type Bundle, bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { type KeyFinderFunc, toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { ReleaseError } from './errors.js';
import { type ReleaseSigner, toSigstoreSigner } from './signer.js';

/** Signs `payload` as a DSSE envelope of `payloadType`; returns the bundle as JSON (what is written to disk). */
export async function signDsse(signer: ReleaseSigner, payload: Buffer, payloadType: string): Promise<unknown> {
  const builder = new DSSEBundleBuilder({ signer: toSigstoreSigner(signer), witnesses: [] });
  const bundle = await builder.create({ data: payload, type: payloadType });
  return bundleToJSON(bundle);
}

/** What a verified envelope yields: the payload, its type and the key that signed it. */
export interface OpenedEnvelope {
  readonly payload: Buffer;
  readonly payloadType: string;
  readonly keyId: string;
}

/** Parses bundle JSON; anything that is not a DSSE Sigstore bundle is BUNDLE_MALFORMED. */
export function parseDsseBundle(json: unknown, what: string): Bundle & { content: { $case: 'dsseEnvelope' } } {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (cause) {
    throw new ReleaseError('BUNDLE_MALFORMED', `${what} is not a Sigstore bundle: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new ReleaseError('BUNDLE_MALFORMED', `${what} holds a ${bundle.content.$case}, not a DSSE envelope`);
  }
  return bundle as Bundle & { content: { $case: 'dsseEnvelope' } };
}

/** The key hint of a bundle (which trust-policy key it claims to be signed by). */
export function keyHintOf(bundle: Bundle): string | undefined {
  const c = bundle.verificationMaterial.content;
  return c.$case === 'publicKey' ? c.publicKey.hint : undefined;
}

/**
 * Verifies a DSSE bundle with `@sigstore/verify` against exactly one trusted public key (the caller has already
 * decided, from the trust policy, that this key may sign) and returns the payload.
 */
export function openDsse(bundleJson: unknown, publicKeyPem: string, what: string): OpenedEnvelope {
  const bundle = parseDsseBundle(bundleJson, what);
  const keyId = keyHintOf(bundle);
  if (!keyId) throw new ReleaseError('BUNDLE_MALFORMED', `${what} names no public-key hint`);
  const key: ReturnType<KeyFinderFunc> = { publicKey: createPublicKey(publicKeyPem), validFor: () => true };
  const trust = toTrustMaterial(emptyTrustedRoot, (hint) => {
    if (hint !== keyId) throw new ReleaseError('UNKNOWN_KEY', `${what}: no trusted key ${hint}`);
    return key;
  });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(toSignedEntity(bundle));
  } catch (cause) {
    throw new ReleaseError(
      'SIGNATURE_INVALID',
      `${what}: the signature does not verify with key ${keyId.slice(0, 12)} (${(cause as Error).message}); the bundle or its payload was altered, or the signature belongs to another payload`,
      { cause },
    );
  }
  const envelope = bundle.content.dsseEnvelope;
  return { payload: Buffer.from(envelope.payload), payloadType: envelope.payloadType, keyId };
}

// Offline trust: no CAs, logs or TSAs; the trust policy's keys are the only roots.
const emptyTrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  certificateAuthorities: [],
  tlogs: [],
  ctlogs: [],
  timestampAuthorities: [],
} as unknown as Parameters<typeof toTrustMaterial>[0];
