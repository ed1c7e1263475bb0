/**
 * The seen-set of internal-request nonces (the replay guard): the port, and what a store must do. The Upstash adapter
 * (./upstash-nonces.ts) serves the origin; the in-memory one (./memory-nonces.ts) serves unit tests of logic.
 */

/** Remembers nonces per tenant for a while. */
export interface NonceStore {
  /**
   * Records `nonce` for `tenant` for `ttlS` seconds, atomically. Resolves true the first time and false when it is
   * already recorded (a replay); rejects when the store cannot answer.
   */
  claim(tenant: string, nonce: string, ttlS: number): Promise<boolean>;
}

/** The store key of a nonce: tenant and nonce, under a prefix no cache or rate-limit key uses. */
export const nonceKey = (tenant: string, nonce: string) => `gg:nonce:${tenant}:${nonce}`;
