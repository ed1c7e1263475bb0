import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalKeys, openLocalKeys } from './keystore.js';
import { addKey, probe, retireOldKeys, rotate } from './rotation.js';
import { FileKeySigner } from './signer.js';
import { TEST_REPOSITORY } from './tamper-cases.js';

describe('release key rotation', () => {
  let root: string;
  const open = async (): Promise<LocalKeys> => {
    root = mkdtempSync(join(tmpdir(), 'graphgate-rotation-'));
    return openLocalKeys(TEST_REPOSITORY, join(root, 'keys'), new Date(Date.now() - 60_000));
  };
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts both keys after the new key is added, and only the new one after the old is retired', async () => {
    const keys = await open();
    const oldSigner = keys.signer;

    const { newKeyId } = await addKey(keys);
    const newSigner = new FileKeySigner(keys.paths.privateKey(newKeyId));
    const overlap = [await probe(keys, oldSigner), await probe(keys, newSigner)];
    const retired = await retireOldKeys(keys);
    const after = [await probe(keys, oldSigner), await probe(keys, newSigner)];

    expect(overlap).toEqual(['accepted', 'accepted']);
    expect(retired).toEqual([oldSigner.keyId]);
    expect(after).toEqual(['KEY_REVOKED', 'accepted']);
  });

  it('records every step of a full rotation with a timestamp', async () => {
    const keys = await open();

    const steps = await rotate(keys);

    expect(steps.map((s) => s.step)).toHaveLength(5);
    expect(steps.at(-1)?.detail).toEqual({ old: 'KEY_REVOKED', new: 'accepted' });
    for (const s of steps) expect(Number.isNaN(Date.parse(s.at))).toBe(false);
  });

  it('signs with the new key once it is current', async () => {
    const keys = await open();
    const { newKeyId } = await addKey(keys);

    const reopened = await openLocalKeys(TEST_REPOSITORY, keys.paths.dir);

    expect(reopened.signer.keyId).toBe(newKeyId);
  });
});
