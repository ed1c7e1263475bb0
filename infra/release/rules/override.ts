/**
 * A freeze override: an approval record (who, why, until) signed as a DSSE Sigstore bundle by an approver key the
 * trust policy lists. Unsigned, badly signed, unknown-approver and expired records are each refused with their reason.
 */
import { z } from 'zod';
import { canonicalJson } from '../../../functions/core/json/canonical.js';
import { keyHintOf, openDsse, parseDsseBundle, signDsse } from '../dsse.js';
import { ReleaseError } from '../errors.js';
import type { ReleaseSigner } from '../signer.js';
import type { TrustPolicy } from '../trust-policy.js';

export const OVERRIDE_PAYLOAD_TYPE = 'application/vnd.graphgate.freeze-override+json';

export const overrideSchema = z.object({
  who: z.string().min(1),
  why: z.string().min(10),
  until: z.iso.datetime(),
  /** The release it approves (a wildcard `*` approves any release while valid). */
  release: z.string(),
});
export type FreezeOverride = z.infer<typeof overrideSchema>;

export type OverrideRefusal =
  | 'OVERRIDE_UNSIGNED'
  | 'OVERRIDE_SIGNATURE'
  | 'OVERRIDE_UNKNOWN_APPROVER'
  | 'OVERRIDE_EXPIRED';

/** Signs an approval with an approver's key. */
export function signOverride(record: FreezeOverride, approver: ReleaseSigner): Promise<unknown> {
  return signDsse(approver, Buffer.from(canonicalJson(overrideSchema.parse(record))), OVERRIDE_PAYLOAD_TYPE);
}

/** Checks an override file's content; returns the record or the refusal with a message a person can act on. */
export function checkOverride(
  json: unknown,
  policy: TrustPolicy,
  now: Date,
  releaseId: string,
): { ok: true; record: FreezeOverride; approverKeyId: string } | { ok: false; code: OverrideRefusal; message: string } {
  const plain = overrideSchema.safeParse(json);
  if (plain.success) {
    return {
      ok: false,
      code: 'OVERRIDE_UNSIGNED',
      message: `the override by ${plain.data.who} is a plain record: it must be signed by an approver key (npm run release:rules -- sign-override)`,
    };
  }
  let keyId: string | undefined;
  try {
    keyId = keyHintOf(parseDsseBundle(json, 'freeze override'));
  } catch (error) {
    return { ok: false, code: 'OVERRIDE_UNSIGNED', message: (error as Error).message };
  }
  const approver = policy.approvers.find((a) => a.keyId === keyId);
  if (!approver) {
    return {
      ok: false,
      code: 'OVERRIDE_UNKNOWN_APPROVER',
      message: `the override is signed by key ${keyId?.slice(0, 12)}, which is not an approver in the trust policy`,
    };
  }
  let record: FreezeOverride;
  try {
    const opened = openDsse(json, approver.publicKeyPem, 'freeze override');
    if (opened.payloadType !== OVERRIDE_PAYLOAD_TYPE) throw new Error(`payload type ${opened.payloadType}`);
    record = overrideSchema.parse(JSON.parse(opened.payload.toString('utf8')));
  } catch (cause) {
    const message = cause instanceof ReleaseError ? cause.message : (cause as Error).message;
    return { ok: false, code: 'OVERRIDE_SIGNATURE', message: `the override signature does not hold: ${message}` };
  }
  if (Date.parse(record.until) <= now.getTime()) {
    return {
      ok: false,
      code: 'OVERRIDE_EXPIRED',
      message: `the override by ${record.who} expired at ${record.until}: ask an approver for a new one`,
    };
  }
  if (record.release !== '*' && record.release !== releaseId) {
    return {
      ok: false,
      code: 'OVERRIDE_SIGNATURE',
      message: `the override approves release ${record.release}, not ${releaseId}`,
    };
  }
  return { ok: true, record, approverKeyId: approver.keyId };
}
