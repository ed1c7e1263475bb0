import { type NonceStore, nonceKey } from './nonces.js';

/** In-memory {@link NonceStore} for unit tests and single-process tools; expiry is checked on claim. */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(tenant: string, nonce: string, ttlS: number): Promise<boolean> {
    const key = nonceKey(tenant, nonce);
    const t = this.now();
    for (const [k, expires] of this.#seen) if (expires <= t) this.#seen.delete(k);
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, t + ttlS * 1000);
    return true;
  }
}
