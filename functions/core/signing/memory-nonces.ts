import { type NonceStore, nonceKey } from './nonces.js';

/**
 * In-memory {@link NonceStore} for unit tests and single-process tools (bench:graph's in-process origin); expiry is
 * checked on claim. Entries are kept in claim order, so the sweep stops at the first one still live instead of
 * scanning every nonce of the last minute on each request (which bench:graph counted as origin time).
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(tenant: string, nonce: string, ttlS: number): Promise<boolean> {
    const key = nonceKey(tenant, nonce);
    const t = this.now();
    // An entry with a longer TTL can hold back the sweep of later ones: that delays freeing memory, never an answer,
    // because a held-back entry is checked for expiry below.
    for (const [k, expires] of this.#seen) {
      if (expires > t) break;
      this.#seen.delete(k);
    }
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > t) return false;
    // Deleted first so that a reclaimed key moves to the end, keeping claim order.
    this.#seen.delete(key);
    this.#seen.set(key, t + ttlS * 1000);
    return true;
  }
}
