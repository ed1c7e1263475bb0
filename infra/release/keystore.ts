/**
 * The local key store: release signing keys, the policy-root key and the signed trust policy, in one gitignored folder
 * (`.release-keys/`, or GRAPHGATE_RELEASE_KEYS_DIR). LOCAL DEVELOPMENT ONLY: deployed releases sign with KMS
 * (KmsSigner) and read the trust policy and the pinned policy-root public key from the deploy account.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../local/paths.js';
import { ReleaseError } from './errors.js';
import { FileKeySigner, keyIdOf } from './signer.js';
import { LOCAL_BUILDER_ID } from './statement.js';
import { loadTrustPolicy, signTrustPolicy, type TrustPolicy } from './trust-policy.js';

export const defaultKeysDir = (): string => process.env.GRAPHGATE_RELEASE_KEYS_DIR ?? join(repoRoot, '.release-keys');

const WARNING = `LOCAL DEVELOPMENT ONLY. These keys were generated on this machine by npm run release / keys:rotate.
They sign local releases and this machine's trust policy; they are gitignored and must never be committed, copied to CI
or trusted by a deployed stage. Deployed releases are signed by AWS KMS (infra/release/signer.ts, KmsSigner).
`;

/** Where each file of the store lives. */
export function keyPaths(dir: string) {
  return {
    dir,
    current: join(dir, 'current-key'),
    privateKey: (keyId: string) => join(dir, `release-${keyId.slice(0, 16)}.key.pem`),
    rootPrivateKey: join(dir, 'policy-root.key.pem'),
    rootPublicKey: join(dir, 'policy-root.pub.pem'),
    policy: join(dir, 'trust-policy.json'),
    policyBundle: join(dir, 'trust-policy.sigstore.json'),
    log: join(dir, 'rotation-log.jsonl'),
  };
}

/** Writes a new P-256 key pair's private half (mode 0600) and returns its key id. */
export function generateKey(path: (keyId: string) => string): { keyId: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyId = keyIdOf(publicKey);
  writeFileSync(path(keyId), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { keyId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The source repository a local build records (GRAPHGATE_SOURCE_REPO, else the git origin, else `local/graphgate`). */
export function sourceRepository(origin: string | undefined): string {
  return process.env.GRAPHGATE_SOURCE_REPO ?? origin ?? 'local/graphgate';
}

export interface LocalKeys {
  readonly signer: FileKeySigner;
  readonly root: FileKeySigner;
  readonly rootPublicKeyPem: string;
  readonly paths: ReturnType<typeof keyPaths>;
}

/** Days a freshly generated local key is valid for. */
export const LOCAL_KEY_DAYS = 90;

/**
 * Opens the store, creating it on first use: a policy-root key, one release key, and a trust policy (signed) that trusts
 * that key for LOCAL_KEY_DAYS, the local builder and `repository`.
 */
export async function openLocalKeys(repository: string, dir = defaultKeysDir(), now = new Date()): Promise<LocalKeys> {
  const paths = keyPaths(dir);
  if (!existsSync(paths.current)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'LOCAL-DEVELOPMENT-ONLY.txt'), WARNING);
    generateKey(() => paths.rootPrivateKey);
    const root = new FileKeySigner(paths.rootPrivateKey);
    writeFileSync(paths.rootPublicKey, await root.publicKeyPem());
    const key = generateKey(paths.privateKey);
    const policy: TrustPolicy = {
      version: 1,
      serial: 1,
      issuedAt: now.toISOString(),
      builders: [LOCAL_BUILDER_ID],
      sourceRepositories: [repository],
      keys: [
        {
          keyId: key.keyId,
          publicKeyPem: key.publicKeyPem,
          label: 'local-development',
          validFrom: now.toISOString(),
          validUntil: new Date(now.getTime() + LOCAL_KEY_DAYS * 86_400_000).toISOString(),
        },
      ],
      revoked: [],
      // Local releases are often cut from a work tree in progress (npm run release -- --allow-dirty).
      allowDirtyBuilds: true,
      approvers: [],
    };
    await writeSignedPolicy(paths, policy, root);
    writeFileSync(paths.current, `${key.keyId}\n`);
  }
  const currentId = readFileSync(paths.current, 'utf8').trim();
  return {
    signer: new FileKeySigner(paths.privateKey(currentId)),
    root: new FileKeySigner(paths.rootPrivateKey),
    rootPublicKeyPem: readFileSync(paths.rootPublicKey, 'utf8'),
    paths,
  };
}

/** Signs `policy` with the root key and writes both the plain file (for people) and its bundle. */
export async function writeSignedPolicy(
  paths: ReturnType<typeof keyPaths>,
  policy: TrustPolicy,
  root: FileKeySigner,
): Promise<void> {
  writeFileSync(paths.policy, `${JSON.stringify(policy, null, 2)}\n`);
  writeFileSync(paths.policyBundle, `${JSON.stringify(await signTrustPolicy(policy, root), null, 2)}\n`);
}

/**
 * The trust policy a verification checks against: the signed bundle at `trustPolicy` (else this machine's store, where
 * the plain copy must match the signed one), opened with the pinned policy-root public key at `policyRoot` (else the
 * store's). KEY_MATERIAL when that key is absent.
 */
export function loadPinnedTrustPolicy(options: { trustPolicy?: string; policyRoot?: string } = {}): TrustPolicy {
  const paths = keyPaths(defaultKeysDir());
  const rootPem = options.policyRoot ?? paths.rootPublicKey;
  if (!existsSync(rootPem)) {
    throw new ReleaseError(
      'KEY_MATERIAL',
      `no pinned policy-root public key at ${rootPem}: pass the policy root's pem`,
    );
  }
  return loadTrustPolicy({
    bundle: options.trustPolicy ?? paths.policyBundle,
    plain: options.trustPolicy ? undefined : paths.policy,
    rootPublicKeyPem: readFileSync(rootPem, 'utf8'),
  });
}
