import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKmsRegion, startLocalKms } from '../local/kms.js';
import { cacheDir } from '../local/paths.js';
import type { RunningComponent } from '../local/types.js';
import { KmsSigner, keyIdOf, toSigstoreSigner } from './signer.js';

let kms: RunningComponent;
let client: KMSClient;
const runDir = mkdtempSync(join(tmpdir(), 'graphgate-kms-'));

beforeAll(async () => {
  // The first run builds local-kms with `go install` (cached afterwards), hence the long timeout.
  kms = await startLocalKms({ runDir, cacheDir, persistent: false });
  client = new KMSClient({
    region: localKmsRegion,
    endpoint: kms.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 600_000);
afterAll(async () => {
  await kms?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

async function signingKey(): Promise<string> {
  const out = await client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  return out.KeyMetadata!.KeyId!;
}

describe('the KMS release signer against a local KMS (nsmithuk/local-kms)', () => {
  it('signs with the KMS key: the signature verifies under the public key it reports, and the key id is derived from it', async () => {
    const signer = await KmsSigner.create(await signingKey(), client);
    const data = Buffer.from('graphgate release statement');

    const signature = await signer.sign(data);
    const pem = await signer.publicKeyPem();

    expect(verify('sha256', data, createPublicKey(pem), signature)).toBe(true);
    expect(verify('sha256', Buffer.from('graphgate release statemenT'), createPublicKey(pem), signature)).toBe(false);
    expect(signer.keyId).toBe(keyIdOf(pem));
  });

  it('hands @sigstore/sign the signature with the public key and its key id as the hint', async () => {
    const signer = await KmsSigner.create(await signingKey(), client);
    const other = await KmsSigner.create(await signingKey(), client);
    const data = Buffer.from('payload');

    const out = await toSigstoreSigner(signer).sign(data);

    expect(out.key).toMatchObject({ $case: 'publicKey', hint: signer.keyId });
    expect(other.keyId).not.toBe(signer.keyId);
    const key = out.key as { publicKey: string };
    expect(verify('sha256', data, createPublicKey(key.publicKey), out.signature)).toBe(true);
    expect(verify('sha256', data, createPublicKey(await other.publicKeyPem()), out.signature)).toBe(false);
  });

  it('refuses an unknown key with the KMS error, never a signature', async () => {
    await expect(KmsSigner.create('00000000-0000-0000-0000-000000000000', client)).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});
