import type { Redis } from '@upstash/redis';

/**
 * Counts the commands a client sends to Upstash (the unit Upstash bills): a single command counts 1, a pipeline or
 * MULTI of n commands counts n. Uses the client's request middleware, so every caller of `redis` is counted.
 * @example countUpstashCommands(redis, (n) => metrics.upstashCommands(n));
 */
export function countUpstashCommands<R extends Pick<Redis, 'use'>>(redis: R, onCommands: (count: number) => void): R {
  redis.use((req, next) => {
    const body = req.body;
    onCommands(Array.isArray(body) && Array.isArray(body[0]) ? body.length : 1);
    return next(req);
  });
  return redis;
}
