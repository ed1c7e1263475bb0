import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { HttpError } from '../functions/core/http/index.js';
import { withTimeout } from '../functions/core/timeout.js';
import type { EdgeConfig } from './config.js';

/** The outcome headers of a rate-limit check (IETF RateLimit fields plus the common X- form). */
function limitHeaders(limit: number, remaining: number, resetMs: number): Record<string, string> {
  const resetS = Math.max(0, Math.ceil((resetMs - Date.now()) / 1000));
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, remaining)),
    'ratelimit-reset': String(resetS),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
  };
}

/**
 * Sliding-window limits per tenant and per subject (within its tenant) on @upstash/ratelimit. Over the limit → 429
 * with Retry-After and the limit headers. If Redis is unreachable the check fails open (the cache-down counter
 * records it), because refusing every call when the limiter is down would turn a cache outage into an API outage.
 */
export function createRateLimiter(redis: Redis, limits: EdgeConfig['rateLimits'], onError: (err: unknown) => void) {
  const tenantLimiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(limits.tenant.requests, `${limits.tenant.windowS} s`),
    prefix: 'gg:rl:tenant',
    analytics: false,
  });
  const subjectLimiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(limits.subject.requests, `${limits.subject.windowS} s`),
    prefix: 'gg:rl:subject',
    analytics: false,
  });
  return async function check(tenant: string, subject: string, timeoutMs: number): Promise<Record<string, string>> {
    let results: Awaited<ReturnType<Ratelimit['limit']>>[];
    try {
      results = await withTimeout(
        Promise.all([tenantLimiter.limit(tenant), subjectLimiter.limit(`${tenant}:${subject}`)]),
        timeoutMs,
        'rate limiter',
      );
    } catch (err) {
      onError(err);
      return {};
    }
    const [t, s] = results as [(typeof results)[0], (typeof results)[0]];
    const tightest = t.remaining <= s.remaining ? t : s;
    const headers = limitHeaders(tightest.limit, tightest.remaining, tightest.reset);
    const denied = [t, s].find((r) => !r.success);
    if (denied) {
      const retryAfter = String(Math.max(1, Math.ceil((denied.reset - Date.now()) / 1000)));
      const who = denied === t ? `tenant ${tenant}` : `subject ${subject}`;
      throw new HttpError(429, 'RATE_LIMITED', `rate limit exceeded for ${who}`, {
        ...headers,
        'retry-after': retryAfter,
      });
    }
    return headers;
  };
}
