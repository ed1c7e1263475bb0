/**
 * Release key rotation on a key store: add a new key to the signed trust policy and make it current (both keys are
 * accepted), then retire the old ones (moved to `revoked`, so anything they sign is refused). Each phase is proved on
 * probe releases signed by the old and the new key, and every step is recorded with its timestamp (the attestation
 * the runbook keeps).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseError } from './errors.js';
import { generateKey, LOCAL_KEY_DAYS, type LocalKeys, writeSignedPolicy } from './keystore.js';
import { FileKeySigner } from './signer.js';
import { sealTestRelease, testFacts } from './tamper-cases.js';
import { loadTrustPolicy, type TrustPolicy } from './trust-policy.js';
import { verifyRelease } from './verify.js';

/** One timestamped step of a rotation. */
export interface RotationStep {
  readonly at: string;
  readonly step: string;
  readonly detail: Record<string, unknown>;
}

const policyOf = (keys: LocalKeys): TrustPolicy =>
  loadTrustPolicy({
    bundle: keys.paths.policyBundle,
    plain: keys.paths.policy,
    rootPublicKeyPem: keys.rootPublicKeyPem,
  });

/** Verifies a fresh probe release signed by `signer` against the store's current policy: 'accepted' or the code. */
export async function probe(keys: LocalKeys, signer: FileKeySigner, facts = testFacts): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'graphgate-probe-'));
  try {
    const policy = policyOf(keys);
    const f = {
      ...facts(`probe-${signer.keyId.slice(0, 8)}`, new Date()),
      sourceRepository: policy.sourceRepositories[0]!,
    };
    await sealTestRelease(dir, f, signer);
    verifyRelease(dir, { policy });
    return 'accepted';
  } catch (error) {
    if (error instanceof ReleaseError) return error.code;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Phase 1: a new key joins the trust policy and becomes current; the old keys stay trusted. */
export async function addKey(keys: LocalKeys, now = new Date()): Promise<{ oldKeyId: string; newKeyId: string }> {
  const policy = policyOf(keys);
  const oldKeyId = keys.signer.keyId;
  const fresh = generateKey(keys.paths.privateKey);
  const next: TrustPolicy = {
    ...policy,
    serial: policy.serial + 1,
    issuedAt: now.toISOString(),
    keys: [
      ...policy.keys,
      {
        keyId: fresh.keyId,
        publicKeyPem: fresh.publicKeyPem,
        label: policy.keys.find((k) => k.keyId === oldKeyId)?.label ?? 'local-development',
        validFrom: now.toISOString(),
        validUntil: new Date(now.getTime() + LOCAL_KEY_DAYS * 86_400_000).toISOString(),
      },
    ],
  };
  await writeSignedPolicy(keys.paths, next, keys.root);
  writeFileSync(keys.paths.current, `${fresh.keyId}\n`);
  return { oldKeyId, newKeyId: fresh.keyId };
}

/** Phase 2: every key but the current one is retired (revoked with the reason), so it is refused from now on. */
export async function retireOldKeys(keys: LocalKeys, now = new Date()): Promise<string[]> {
  const current = readFileSync(keys.paths.current, 'utf8').trim();
  const policy = policyOf(keys);
  const retired = policy.keys.filter((k) => k.keyId !== current);
  const next: TrustPolicy = {
    ...policy,
    serial: policy.serial + 1,
    issuedAt: now.toISOString(),
    keys: policy.keys.filter((k) => k.keyId === current),
    revoked: [
      ...policy.revoked,
      ...retired.map((k) => ({ keyId: k.keyId, revokedAt: now.toISOString(), reason: 'retired by key rotation' })),
    ],
  };
  await writeSignedPolicy(keys.paths, next, keys.root);
  return retired.map((k) => k.keyId);
}

/**
 * The whole rotation with its proofs: add → both accepted → retire → old refused, new accepted. Throws if any proof
 * does not hold; returns the timestamped steps either way it got.
 */
export async function rotate(keys: LocalKeys, log: (line: string) => void = () => {}): Promise<RotationStep[]> {
  const steps: RotationStep[] = [];
  const record = (step: string, detail: Record<string, unknown>) => {
    const s = { at: new Date().toISOString(), step, detail };
    steps.push(s);
    log(`${s.at}  ${step}  ${JSON.stringify(detail)}`);
  };
  const oldSigner = keys.signer;
  record('start', { currentKey: oldSigner.keyId, policySerial: policyOf(keys).serial });
  const { newKeyId } = await addKey(keys);
  const newSigner = new FileKeySigner(keys.paths.privateKey(newKeyId));
  record('new key added to the trust policy and made current', {
    newKey: newKeyId,
    policySerial: policyOf(keys).serial,
  });
  const both = { old: await probe(keys, oldSigner), new: await probe(keys, newSigner) };
  record('probe: both keys accepted', both);
  if (both.old !== 'accepted' || both.new !== 'accepted') throw new Error(`overlap failed: ${JSON.stringify(both)}`);
  const retired = await retireOldKeys(keys);
  record('old key retired (revoked in the trust policy)', { retired, policySerial: policyOf(keys).serial });
  const after = { old: await probe(keys, oldSigner), new: await probe(keys, newSigner) };
  record('probe: old key refused, new key accepted', after);
  if (after.old !== 'KEY_REVOKED' || after.new !== 'accepted')
    throw new Error(`retire failed: ${JSON.stringify(after)}`);
  return steps;
}
