import type { Redis } from '@upstash/redis';
import { withTimeout } from '../timeout.js';
import { type NonceStore, nonceKey } from './nonces.js';

/** The Upstash calls the nonce store makes. */
export type UpstashNonceClient = Pick<Redis, 'set'>;

/**
 * {@link NonceStore} on Upstash Redis, the store the origin's response cache already uses: one `SET key 1 NX EX ttl`
 * per request, so the first claim wins atomically and Redis forgets the nonce once no signature could carry it.
 * Bounded by `timeoutMs` so a slow store never holds a request.
 */
export function upstashNonceStore(redis: UpstashNonceClient, options: { timeoutMs?: number } = {}): NonceStore {
  const timeoutMs = options.timeoutMs ?? 1_000;
  return {
    async claim(tenant, nonce, ttlS) {
      const reply = await withTimeout(
        redis.set(nonceKey(tenant, nonce), 1, { nx: true, ex: ttlS }),
        timeoutMs,
        'nonce claim',
      );
      return reply !== null;
    },
  };
}
