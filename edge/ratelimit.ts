import type { Redis } from '@upstash/redis';
import { HttpError } from '../functions/core/http/index.js';
import { withTimeout } from '../functions/core/timeout.js';
import { type CachedResponse, entryCheckLua, fromScriptReply } from './cache-read.js';
import type { EdgeConfig } from './config.js';

/** The outcome headers of a rate-limit check (IETF RateLimit fields plus the common X- form). */
function limitHeaders(limit: number, remaining: number, resetMs: number, now: number): Record<string, string> {
  const resetS = Math.max(0, Math.ceil((resetMs - now) / 1000));
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, remaining)),
    'ratelimit-reset': String(resetS),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
  };
}

/**
 * Both limits in ONE script run, and on a cacheable read the cache read too, so a request costs one command: the
 * sliding window of @upstash/ratelimit (this window's count plus the previous window's, weighted by how much of it
 * still overlaps), for the tenant (KEYS 1–2) and for the subject within its tenant (KEYS 3–4). A request is admitted
 * only when both have room, and then counts against both; a refused request counts against neither (and reads
 * nothing), so one subject hammering past its own limit does not spend its tenant's budget.
 * Reply: `{admitted 0|1, tenant remaining, subject remaining}`, and when KEYS[5] (a cache key) is given and holds an
 * entry of the current version, that entry's `storedAt, ttlMs, swrMs, #etag, #body` after them (cache-read.ts says
 * why the `#`): Redis (in C, with cjson) unpacks the stored entry, the edge never parses the cached body.
 */
const slidingWindowsScript = `
local function used(current, previous, windowMs, now)
  local c = tonumber(redis.call('GET', current) or '0')
  local p = tonumber(redis.call('GET', previous) or '0')
  return c + math.floor((1 - (now % windowMs) / windowMs) * p)
end
local now = tonumber(ARGV[5])
local tLimit, tWindow, sLimit, sWindow = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = used(KEYS[1], KEYS[2], tWindow, now)
local s = used(KEYS[3], KEYS[4], sWindow, now)
if t >= tLimit or s >= sLimit then return { 0, tLimit - t, sLimit - s } end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], tWindow * 2 + 1000) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], sWindow * 2 + 1000) end
local reply = { 1, tLimit - t - 1, sLimit - s - 1 }
if not KEYS[5] then return reply end
local raw = redis.call('GET', KEYS[5])
if not raw then return reply end
local ok, e = pcall(cjson.decode, raw)
if not (${entryCheckLua}) then return reply end
reply[4], reply[5], reply[6], reply[7], reply[8] = e.storedAt, e.ttlMs, e.swrMs, '#' .. e.etag, '#' .. e.body
return reply`;

/** Key prefixes: the tenant is in every limiter key, the subject's key is under its tenant's. */
export const limiterKeys = {
  tenant: (tenant: string, window: number) => `gg:rl:tenant:${tenant}:${window}`,
  subject: (tenant: string, subject: string, window: number) => `gg:rl:subject:${tenant}:${subject}:${window}`,
};

/** The outcome of an admitted request: its limit headers and, when a cache key was given, what the read found. */
export interface Admitted {
  headers: Record<string, string>;
  /**
   * Present when a cache key was given: the usable entry stored under it (`undefined`: none, or not of the current
   * version), or `error` when the store could not be asked (the limiter then failed open too).
   */
  read?: { entry: CachedResponse | undefined } | { error: unknown };
}

/**
 * Sliding-window limits per tenant and per subject (within its tenant), checked by one Redis script per request
 * (EVALSHA, EVAL only once per script cache flush), which also reads the request's cache entry when given its key.
 * Over a limit → 429 with Retry-After and the limit headers, naming which limit. If Redis is unreachable the check
 * fails open (the cache-down counter records it), because refusing every call when the limiter is down would turn a
 * cache outage into an API outage.
 */
export function createRateLimiter(
  redis: Redis,
  limits: EdgeConfig['rateLimits'],
  onError: (err: unknown) => void,
  now: () => number = Date.now,
) {
  const tWindowMs = limits.tenant.windowS * 1000;
  const sWindowMs = limits.subject.windowS * 1000;
  const script = redis.createScript<unknown>(slidingWindowsScript);
  return async function check(
    tenant: string,
    subject: string,
    timeoutMs: number,
    cacheKey?: string,
  ): Promise<Admitted> {
    const at = now();
    const tw = Math.floor(at / tWindowMs);
    const sw = Math.floor(at / sWindowMs);
    const keys = [
      limiterKeys.tenant(tenant, tw),
      limiterKeys.tenant(tenant, tw - 1),
      limiterKeys.subject(tenant, subject, sw),
      limiterKeys.subject(tenant, subject, sw - 1),
    ];
    if (cacheKey !== undefined) keys.push(cacheKey);
    let reply: unknown;
    try {
      reply = await withTimeout(
        script.exec(keys, [limits.tenant.requests, tWindowMs, limits.subject.requests, sWindowMs, at].map(String)),
        timeoutMs,
        'rate limiter',
      );
    } catch (err) {
      onError(err);
      return cacheKey === undefined ? { headers: {} } : { headers: {}, read: { error: err } };
    }
    const fields = Array.isArray(reply) ? reply : [];
    const [admitted, tRemaining, sRemaining] = fields.slice(0, 3).map(Number);
    if (admitted === undefined || Number.isNaN(tRemaining) || Number.isNaN(sRemaining)) {
      const err = new Error(`rate limiter: unexpected script reply ${JSON.stringify(reply).slice(0, 200)}`);
      onError(err);
      return cacheKey === undefined ? { headers: {} } : { headers: {}, read: { error: err } };
    }
    const tenantReset = (tw + 1) * tWindowMs;
    const subjectReset = (sw + 1) * sWindowMs;
    const tight =
      tRemaining! <= sRemaining!
        ? { limit: limits.tenant.requests, remaining: tRemaining!, reset: tenantReset }
        : { limit: limits.subject.requests, remaining: sRemaining!, reset: subjectReset };
    const headers = limitHeaders(tight.limit, tight.remaining, tight.reset, at);
    if (admitted === 1) {
      if (cacheKey === undefined) return { headers };
      return { headers, read: { entry: fields.length === 8 ? fromScriptReply(fields.slice(3)) : undefined } };
    }
    const tenantDenied = tRemaining! <= 0;
    const reset = tenantDenied ? tenantReset : subjectReset;
    const retryAfter = String(Math.max(1, Math.ceil((reset - at) / 1000)));
    const who = tenantDenied ? `tenant ${tenant}` : `subject ${subject}`;
    throw new HttpError(429, 'RATE_LIMITED', `rate limit exceeded for ${who}`, {
      ...headers,
      'retry-after': retryAfter,
    });
  };
}
