import { createHash } from 'node:crypto';

/**
 * Command sequences for the Upstash-REST compatibility suite (infra/local/upstash-compat.int.test.ts). Each runs on its
 * own key prefix `k`, once through redis-cli and once through every endpoint channel; the replies must agree.
 * Values are chosen so that replies are deterministic: random commands run on one-member keys, sets hold integers
 * (kept sorted by Redis), absolute expiry times are fixed; PTTL is compared in whole seconds by the suite.
 */
export interface RawScenario {
  name: string;
  commands: (k: string) => string[][];
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const loadedScript = 'return {ARGV[1], #KEYS}';
const year2100 = '4102444800';

export const rawScenarios: RawScenario[] = [
  {
    name: 'strings',
    commands: (k) => [
      ['SET', `${k}:s`, 'v1', 'EX', '100'],
      ['SET', `${k}:s`, 'v2', 'PX', '100000', 'GET'],
      ['SET', `${k}:n`, 'x', 'NX'],
      ['SET', `${k}:n`, 'y', 'NX'],
      ['SET', `${k}:absent`, 'y', 'XX'],
      ['SET', `${k}:s`, 'héllo wörld ✓ 日本語', 'XX', 'GET'],
      ['GET', `${k}:s`],
      ['GETRANGE', `${k}:s`, '0', '4'],
      ['APPEND', `${k}:s`, '-tail'],
      ['GETRANGE', `${k}:s`, '-5', '-1'],
      ['SET', `${k}:f`, '10.5'],
      ['INCRBYFLOAT', `${k}:f`, '0.25'],
      ['INCRBYFLOAT', `${k}:f`, '-3e2'],
      ['INCRBYFLOAT', `${k}:s`, '1'],
      ['SET', `${k}:j`, '{"a":[1,2],"b":null}'],
      ['MGET', `${k}:s`, `${k}:n`, `${k}:absent`, `${k}:f`, `${k}:j`],
      ['SET', `${k}:s`, 'v', 'EX', '0'],
      ['SET', `${k}:s`],
      ['NOSUCHCOMMAND', `${k}:s`],
    ],
  },
  {
    name: 'hashes',
    commands: (k) => [
      ['HSET', `${k}:h`, 'a', '1', 'b', 'x', 'c', 'héllo', 'd', '{"j":true}'],
      ['HGETALL', `${k}:h`],
      ['HGETALL', `${k}:absent`],
      ['HMGET', `${k}:h`, 'a', 'zz'],
      ['HSET', `${k}:one`, 'only', '42'],
      ['HRANDFIELD', `${k}:one`, '1', 'WITHVALUES'],
      ['HRANDFIELD', `${k}:one`, '-3', 'WITHVALUES'],
      ['HRANDFIELD', `${k}:one`],
      ['HSCAN', `${k}:h`, '0'],
      ['HSCAN', `${k}:h`, '0', 'MATCH', '[ab]', 'COUNT', '100'],
      ['HINCRBYFLOAT', `${k}:h`, 'a', '0.5'],
      ['SET', `${k}:str`, 'plain'],
      ['HGETALL', `${k}:str`],
    ],
  },
  {
    name: 'sets',
    commands: (k) => [
      ['SADD', `${k}:s`, '3', '1', '2', '1'],
      ['SMEMBERS', `${k}:s`],
      ['SADD', `${k}:t`, '2', '3', '4'],
      ['SINTER', `${k}:s`, `${k}:t`],
      ['SADD', `${k}:one`, 'solo'],
      ['SMEMBERS', `${k}:one`],
      ['SRANDMEMBER', `${k}:one`, '2'],
      ['SRANDMEMBER', `${k}:one`, '-3'],
      ['SRANDMEMBER', `${k}:absent`, '2'],
      ['SMEMBERS', `${k}:absent`],
      ['SMISMEMBER', `${k}:s`, '2', '9'],
    ],
  },
  {
    name: 'sorted sets',
    commands: (k) => [
      ['ZADD', `${k}:z`, '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', `${k}:z`, 'NX', '5', 'a', '4', 'd'],
      ['ZADD', `${k}:z`, 'GT', 'CH', '0.5', 'a', '10', 'b'],
      ['ZADD', `${k}:z`, 'INCR', '2.5', 'c'],
      ['ZADD', `${k}:z`, 'NX', 'INCR', '1', 'a'],
      ['ZADD', `${k}:z`, 'NX', 'XX', '1', 'a'],
      ['ZRANGE', `${k}:z`, '0', '-1', 'WITHSCORES'],
      ['ZRANGE', `${k}:z`, '0', '-1', 'REV', 'WITHSCORES'],
      ['ZRANGE', `${k}:z`, '1', '6', 'BYSCORE', 'LIMIT', '1', '2', 'WITHSCORES'],
      ['ZRANGE', `${k}:z`, '(1', '+inf', 'BYSCORE'],
      ['ZRANGE', `${k}:z`, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '1'],
      ['ZADD', `${k}:one`, '7.25', 'only'],
      ['ZRANDMEMBER', `${k}:one`, '1', 'WITHSCORES'],
      ['ZRANDMEMBER', `${k}:one`, '-2', 'WITHSCORES'],
      ['ZRANDMEMBER', `${k}:one`],
      ['ZSCORE', `${k}:z`, 'c'],
      ['ZSCORE', `${k}:z`, 'nope'],
      ['ZMSCORE', `${k}:z`, 'c', 'nope', 'd'],
      ['ZPOPMIN', `${k}:z`, '2'],
      ['ZPOPMIN', `${k}:z`],
      ['ZPOPMIN', `${k}:absent`],
      ['ZRANGE', `${k}:absent`, '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'lists',
    commands: (k) => [
      ['LPUSH', `${k}:l`, 'a', 'b', 'c', 'a'],
      ['LRANGE', `${k}:l`, '0', '-1'],
      ['LPOS', `${k}:l`, 'a'],
      ['LPOS', `${k}:l`, 'a', 'RANK', '2'],
      ['LPOS', `${k}:l`, 'a', 'COUNT', '0'],
      ['LPOS', `${k}:l`, 'zz'],
      ['LMPOP', '2', `${k}:absent`, `${k}:l`, 'LEFT', 'COUNT', '2'],
      ['LMPOP', '1', `${k}:absent`, 'RIGHT'],
      ['SET', `${k}:str`, 'x'],
      ['LPUSH', `${k}:str`, 'y'],
    ],
  },
  {
    name: 'expirations',
    commands: (k) => [
      ['SET', `${k}:e`, 'v'],
      ['EXPIRE', `${k}:e`, '100'],
      ['TTL', `${k}:e`],
      ['PTTL', `${k}:e`],
      ['EXPIRE', `${k}:e`, '50', 'NX'],
      ['EXPIRE', `${k}:e`, '200', 'GT'],
      ['TTL', `${k}:e`],
      ['PERSIST', `${k}:e`],
      ['TTL', `${k}:e`],
      ['PTTL', `${k}:e`],
      ['TTL', `${k}:absent`],
      ['EXPIREAT', `${k}:e`, year2100],
      ['EXPIRETIME', `${k}:e`],
      ['PEXPIRETIME', `${k}:e`],
      ['EXPIRETIME', `${k}:absent`],
      ['EXPIRE', `${k}:e`, 'soon'],
    ],
  },
  {
    name: 'scripts',
    commands: (k) => [
      [
        'EVAL',
        "return {1, {2, 'two', {3}}, redis.call('SET', KEYS[1], ARGV[1]), redis.call('GET', KEYS[1]), 3.99, true, false, 'last'}",
        '1',
        `${k}:a`,
        'v',
      ],
      ['EVAL', "return {1, redis.error_reply('boom'), 'x'}", '0'],
      ['EVAL', "return {1, {redis.status_reply('FINE'), redis.error_reply('deep')}}", '0'],
      ['SET', `${k}:str`, 'abc'],
      ['EVAL', "return {redis.pcall('INCR', KEYS[1]), 'next'}", '1', `${k}:str`],
      ['EVAL', "return redis.error_reply('top')", '0'],
      ['EVAL', "return redis.call('NOPE')", '0'],
      ['SCRIPT', 'LOAD', loadedScript],
      ['EVALSHA', sha1(loadedScript), '1', `${k}:a`, 'hello'],
      ['EVALSHA', 'f'.repeat(40), '0'],
    ],
  },
];
