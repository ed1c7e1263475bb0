import { describe, expect, it } from 'vitest';
import { MemoryNonceStore } from './memory-nonces.js';

describe('MemoryNonceStore', () => {
  it('refuses a nonce while it lives and takes it again once expired, per tenant', async () => {
    // Prepare
    let t = 0;
    const store = new MemoryNonceStore(() => t);

    // Act / Assess
    expect(await store.claim('t1', 'n1', 10)).toBe(true);
    expect(await store.claim('t1', 'n1', 10)).toBe(false);
    expect(await store.claim('t2', 'n1', 10)).toBe(true);
    t = 9_999;
    expect(await store.claim('t1', 'n1', 10)).toBe(false);
    t = 10_000;
    expect(await store.claim('t1', 'n1', 10)).toBe(true);
    expect(await store.claim('t1', 'n1', 10)).toBe(false);
  });

  it('takes an expired nonce again even when a longer-lived one was claimed before it', async () => {
    // Prepare: a long TTL first holds back the sweep of the short one claimed after it.
    let t = 0;
    const store = new MemoryNonceStore(() => t);
    await store.claim('t1', 'long', 60);
    await store.claim('t1', 'short', 1);

    // Act
    t = 1_000;
    const retaken = await store.claim('t1', 'short', 1);
    const replayed = await store.claim('t1', 'short', 1);

    // Assess
    expect([retaken, replayed]).toEqual([true, false]);
    expect(await store.claim('t1', 'long', 60)).toBe(false);
  });
});
