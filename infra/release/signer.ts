/**
 * The signer port of releases: one small interface, two adapters — a PEM key file (local development and tests) and AWS
 * KMS (deployed; the private key never leaves KMS). Both produce DER ECDSA P-256/SHA-256 signatures, which is what
 * Sigstore bundles carry and `@sigstore/verify` checks.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Signer as SigstoreSigner } from '@sigstore/sign';
import { sha256 } from './digest.js';
import { ReleaseError } from './errors.js';

/** Signs bytes with one key; `keyId` is the hint written into bundles and looked up in the trust policy. */
export interface ReleaseSigner {
  readonly keyId: string;
  /** SPKI public key, PEM. */
  publicKeyPem(): Promise<string>;
  /** DER-encoded ECDSA signature over sha256(data). */
  sign(data: Buffer): Promise<Buffer>;
}

/** The key id of a public key: hex sha256 of its SPKI DER encoding (stable across PEM formatting). */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

/** Local adapter: a PKCS#8 PEM private key on disk. */
export class FileKeySigner implements ReleaseSigner {
  readonly keyId: string;
  private readonly key: KeyObject;

  constructor(privateKeyPath: string) {
    try {
      this.key = createPrivateKey(readFileSync(privateKeyPath));
    } catch (cause) {
      throw new ReleaseError('KEY_MATERIAL', `cannot read signing key ${privateKeyPath}: run \`npm run keys:rotate\``, {
        cause,
      });
    }
    this.keyId = keyIdOf(createPublicKey(this.key));
  }

  async publicKeyPem(): Promise<string> {
    return createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
  }

  async sign(data: Buffer): Promise<Buffer> {
    return cryptoSign('sha256', data, this.key);
  }
}

/**
 * Deployed adapter: an asymmetric AWS KMS key (`ECC_NIST_P256`, `SIGN_VERIFY`). KMS hashes RAW messages itself; the
 * public key is fetched once. The CI role needs `kms:Sign` and `kms:GetPublicKey` on that key only.
 */
export class KmsSigner implements ReleaseSigner {
  private publicKey?: KeyObject;

  constructor(
    /** The hint written into bundles; `await KmsSigner.create()` derives it from the key. */
    readonly keyId: string,
    private readonly kmsKeyId: string,
    private readonly client: KMSClient = new KMSClient({}),
  ) {}

  /** Builds a signer whose key id is derived from the KMS key's public key, like the file adapter's. */
  static async create(kmsKeyId: string, client: KMSClient = new KMSClient({})): Promise<KmsSigner> {
    const out = await client.send(new GetPublicKeyCommand({ KeyId: kmsKeyId }));
    if (!out.PublicKey) throw new ReleaseError('KEY_MATERIAL', `KMS key ${kmsKeyId} returned no public key`);
    const publicKey = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
    const signer = new KmsSigner(keyIdOf(publicKey), kmsKeyId, client);
    signer.publicKey = publicKey;
    return signer;
  }

  async publicKeyPem(): Promise<string> {
    if (!this.publicKey) throw new ReleaseError('KEY_MATERIAL', 'KmsSigner: build it with KmsSigner.create()');
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async sign(data: Buffer): Promise<Buffer> {
    const out = await this.client.send(
      new SignCommand({
        KeyId: this.kmsKeyId,
        Message: data,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!out.Signature) throw new ReleaseError('KEY_MATERIAL', `KMS key ${this.kmsKeyId} returned no signature`);
    return Buffer.from(out.Signature);
  }
}

/** Adapts a ReleaseSigner to the `Signer` that `@sigstore/sign` bundle builders call. */
export function toSigstoreSigner(signer: ReleaseSigner): SigstoreSigner {
  return {
    sign: async (data) => ({
      signature: await signer.sign(data),
      key: { $case: 'publicKey', publicKey: await signer.publicKeyPem(), hint: signer.keyId },
    }),
  };
}
