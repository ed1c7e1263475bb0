import { createHash } from 'node:crypto';
import type { Redis } from '@upstash/redis';

/**
 * Client-level scenarios for the compatibility suite: the same `@upstash/redis` calls run against our endpoint and
 * against the redis-cli reference endpoint, with the same client options; what the client returns (or throws) must
 * agree. `r.exec([...])` sends commands the client has no method for, in upper case.
 */
export interface ClientScenario {
  name: string;
  calls: (r: Redis, k: string) => (() => Promise<unknown>)[];
}

const loadedScript = 'return {ARGV[1], #KEYS}';
export const loadedScriptSha = createHash('sha1').update(loadedScript).digest('hex');

export const clientScenarios: ClientScenario[] = [
  {
    name: 'strings',
    calls: (r, k) => [
      () => r.set(`${k}:s`, 'v1', { ex: 100 }),
      () => r.set(`${k}:s`, 'v2', { px: 100_000, get: true }),
      () => r.set(`${k}:n`, 'x', { nx: true }),
      () => r.set(`${k}:n`, 'y', { nx: true }),
      () => r.set(`${k}:absent`, 'y', { xx: true }),
      () => r.set(`${k}:s`, { json: ['value', 1] }, { xx: true, get: true }),
      () => r.get(`${k}:s`),
      () => r.getrange(`${k}:s`, 0, 4),
      () => r.append(`${k}:s`, '-tail'),
      () => r.set(`${k}:f`, 10.5),
      () => r.incrbyfloat(`${k}:f`, 0.25),
      () => r.mget(`${k}:s`, `${k}:n`, `${k}:absent`, `${k}:f`),
      () => r.set(`${k}:u`, 'héllo wörld ✓ 日本語'),
      () => r.get(`${k}:u`),
      () => r.incrbyfloat(`${k}:u`, 1),
    ],
  },
  {
    name: 'hashes',
    calls: (r, k) => [
      () => r.hset(`${k}:h`, { a: 1, b: 'x', c: 'héllo', d: { j: true } }),
      () => r.hgetall(`${k}:h`),
      () => r.hgetall(`${k}:absent`),
      () => r.exec(['HGETALL', `${k}:h`]),
      () => r.hset(`${k}:one`, { only: 42 }),
      () => r.hrandfield(`${k}:one`, 1, true),
      () => r.hrandfield(`${k}:one`),
      () => r.exec(['HRANDFIELD', `${k}:one`, '-2', 'WITHVALUES']),
      () => r.hscan(`${k}:h`, 0),
      () => r.hscan(`${k}:h`, 0, { match: '[ab]', count: 100 }),
    ],
  },
  {
    name: 'sets',
    calls: (r, k) => [
      () => r.sadd(`${k}:s`, 3, 1, 2),
      () => r.smembers(`${k}:s`),
      () => r.sadd(`${k}:t`, 2, 3, 4),
      () => r.sinter(`${k}:s`, `${k}:t`),
      () => r.sadd(`${k}:one`, 'solo'),
      () => r.srandmember(`${k}:one`, 2),
      () => r.srandmember(`${k}:one`),
      () => r.exec(['SRANDMEMBER', `${k}:one`, '-2']),
    ],
  },
  {
    name: 'sorted sets',
    calls: (r, k) => [
      () => r.zadd(`${k}:z`, { score: 1, member: 'a' }, { score: 2, member: 'b' }, { score: 3, member: 'c' }),
      () => r.zadd(`${k}:z`, { nx: true }, { score: 5, member: 'a' }, { score: 4, member: 'd' }),
      () => r.zadd(`${k}:z`, { gt: true, ch: true }, { score: 0.5, member: 'a' }, { score: 10, member: 'b' }),
      () => r.zadd(`${k}:z`, { incr: true }, { score: 2.5, member: 'c' }),
      () => r.zrange(`${k}:z`, 0, -1, { withScores: true }),
      () => r.zrange(`${k}:z`, 0, -1, { rev: true, withScores: true }),
      () => r.zrange(`${k}:z`, 1, 6, { byScore: true, offset: 1, count: 2, withScores: true }),
      () => r.exec(['ZRANGE', `${k}:z`, '0', '-1', 'WITHSCORES']),
      () => r.zadd(`${k}:one`, { score: 7.25, member: 'only' }),
      () => r.exec(['ZRANDMEMBER', `${k}:one`, '1', 'WITHSCORES']),
      () => r.zscore(`${k}:z`, 'c'),
      () => r.zmscore(`${k}:z`, ['c', 'nope', 'd']),
      () => r.zpopmin(`${k}:z`, 2),
      () => r.exec(['ZPOPMIN', `${k}:z`]),
    ],
  },
  {
    name: 'lists',
    calls: (r, k) => [
      () => r.lpush(`${k}:l`, 'a', 'b', 'c', 'a'),
      () => r.lrange(`${k}:l`, 0, -1),
      () => r.lpos(`${k}:l`, 'a'),
      () => r.lpos(`${k}:l`, 'a', { rank: 2 }),
      () => r.lpos(`${k}:l`, 'a', { count: 0 }),
      () => r.lmpop(2, [`${k}:absent`, `${k}:l`], 'LEFT', 2),
      () => r.lmpop(1, [`${k}:absent`], 'RIGHT'),
    ],
  },
  {
    name: 'expirations',
    calls: (r, k) => [
      () => r.set(`${k}:e`, 'v'),
      () => r.expire(`${k}:e`, 100),
      () => r.ttl(`${k}:e`),
      async () => Math.round((await r.pttl(`${k}:e`)) / 1000),
      () => r.expire(`${k}:e`, 50, 'NX'),
      () => r.persist(`${k}:e`),
      () => r.ttl(`${k}:e`),
      () => r.expireat(`${k}:e`, 4102444800),
      () => r.exec(['EXPIRETIME', `${k}:e`]),
    ],
  },
  {
    name: 'scripts',
    calls: (r, k) => [
      () =>
        r.eval(
          "return {1, {2, 'two', {3}}, redis.call('SET', KEYS[1], ARGV[1]), redis.call('GET', KEYS[1])}",
          [`${k}:a`],
          ['v'],
        ),
      () => r.eval("return {1, redis.error_reply('boom'), 'x'}", [], []),
      () => r.eval("return {1, {redis.error_reply('deep')}}", [], []),
      () => r.eval("return redis.error_reply('top')", [], []),
      () => r.set(`${k}:str`, 'abc'),
      () => r.eval("return {redis.pcall('INCR', KEYS[1]), 'next'}", [`${k}:str`], []),
      () => r.scriptLoad(loadedScript),
      () => r.evalsha(loadedScriptSha, [`${k}:a`], ['hello']),
    ],
  },
];
