import { Redis, type RedisConfigNodejs } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientScenario, clientScenarios } from './test-support/compat-client.js';
import { rawScenarios } from './test-support/compat-scenarios.js';
import { type Outcome, redisCli, startRedisCliEndpoint } from './test-support/redis-cli.js';
import { testTenant, twin } from './test-support/twin.js';

/**
 * Holds the local Upstash-REST endpoint to real Redis as `redis-cli` shows it: every reply, in both command casings,
 * with and without base64, alone and pipelined; and the official client's view of it under its option sets.
 */

type Encoding = 'utf8' | 'base64';

async function post(path: string, body: unknown, encoding: Encoding = 'utf8'): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${twin().upstashToken}` };
  if (encoding === 'base64') headers['upstash-encoding'] = 'base64';
  return fetch(`${twin().upstashUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** Undoes the endpoint's base64 at every depth; a top-level `OK` is sent as is. Error objects pass through. */
function unbase64(value: unknown, topLevel = true): unknown {
  if (typeof value === 'string') return topLevel && value === 'OK' ? value : Buffer.from(value, 'base64').toString();
  if (Array.isArray(value)) return value.map((v) => unbase64(v, false));
  return value;
}

const decodeOutcome = (o: Outcome, encoding: Encoding): Outcome =>
  'error' in o || encoding === 'utf8' ? o : { result: unbase64(o.result) };

const cased = (commands: string[][], casing: 'upper' | 'lower') =>
  commands.map(([name, ...args]) => [casing === 'upper' ? name!.toUpperCase() : name!.toLowerCase(), ...args]);

/** Each command alone, `POST /`: 200 `{result}` or 400 `{error}`. */
async function oneByOne(commands: string[][], encoding: Encoding): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const command of commands) {
    const res = await post('/', command, encoding);
    const body = (await res.json()) as Outcome;
    expect(res.status, JSON.stringify({ command, body })).toBe('error' in body ? 400 : 200);
    outcomes.push(decodeOutcome(body, encoding));
  }
  return outcomes;
}

/** All commands in one `POST /pipeline`. */
async function pipelined(commands: string[][], encoding: Encoding): Promise<Outcome[]> {
  const res = await post('/pipeline', commands, encoding);
  expect(res.status).toBe(200);
  return ((await res.json()) as Outcome[]).map((o) => decodeOutcome(o, encoding));
}

/** Replaces the per-run key prefix, and rounds PTTL replies to whole seconds (runs are milliseconds apart). */
function comparable(outcomes: Outcome[], commands: string[][], prefix: string): unknown {
  const strip = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll(prefix, '{k}');
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, strip(x)]));
    return v;
  };
  return outcomes.map((o, i) => {
    const isPttl = commands[i]?.[0]?.toUpperCase() === 'PTTL';
    if (isPttl && 'result' in o && typeof o.result === 'number' && o.result > 0) {
      return { result: `~${Math.round(o.result / 1000)}s` };
    }
    return strip(o);
  });
}

const channels = [
  { name: 'POST / upper case, utf8', casing: 'upper', run: (c: string[][]) => oneByOne(c, 'utf8') },
  { name: 'POST / lower case, utf8', casing: 'lower', run: (c: string[][]) => oneByOne(c, 'utf8') },
  { name: 'POST / upper case, base64', casing: 'upper', run: (c: string[][]) => oneByOne(c, 'base64') },
  { name: 'POST / lower case, base64', casing: 'lower', run: (c: string[][]) => oneByOne(c, 'base64') },
  { name: '/pipeline upper case, utf8', casing: 'upper', run: (c: string[][]) => pipelined(c, 'utf8') },
  { name: '/pipeline lower case, base64', casing: 'lower', run: (c: string[][]) => pipelined(c, 'base64') },
] as const;

describe.each(rawScenarios)('raw replies: $name', (scenario) => {
  it.each(channels)('match redis-cli through $name', async (channel) => {
    // Prepare: redis-cli gets the same casing (Redis echoes the name in "unknown command" errors)
    const [prefix, cliPrefix] = [testTenant('rest'), testTenant('cli')];
    const commands = cased(scenario.commands(prefix), channel.casing);
    const cliCommands = cased(scenario.commands(cliPrefix), channel.casing);

    // Act
    const outcomes = await channel.run(commands);
    const reference = await redisCli(twin().redisUrl, cliCommands);

    // Assess
    expect(comparable(outcomes, commands, prefix)).toEqual(comparable(reference, cliCommands, cliPrefix));
  });
});

describe('raw replies: what the reference shows', () => {
  it('has Redis keep an error reply inside a script array, which the endpoint keeps as {error} in place', async () => {
    const command = ['EVAL', "return {1, redis.error_reply('boom'), 'x'}", '0'];

    const [cli] = await redisCli(twin().redisUrl, [command]);
    const res = await post('/', command);

    expect(cli).toEqual({ result: [1, { error: 'ERR boom' }, 'x'] });
    expect(await res.json()).toEqual({ result: [1, { error: 'ERR boom' }, 'x'] });
  });

  it('gives HGETALL as a flat field/value array in both casings, never an object', async () => {
    const k = testTenant('hgetall');
    await post('/', ['HSET', k, 'a', '1', 'b', '2']);

    const upper = await (await post('/', ['HGETALL', k])).json();
    const lower = await (await post('/', ['hgetall', k], 'base64')).json();

    expect(upper).toEqual({ result: ['a', '1', 'b', '2'] });
    expect(lower).toEqual({ result: ['a', '1', 'b', '2'].map((s) => Buffer.from(s).toString('base64')) });
  });
});

describe('pipelines and transactions', () => {
  it('answers a malformed item of a pipeline alone and runs the others, in both casings', async () => {
    for (const casing of ['upper', 'lower'] as const) {
      // Prepare
      const k = testTenant(`pipe-${casing}`);
      const good = cased(
        [['SET', `${k}:a`, '1'], ['INCR', `${k}:a`], ['HGETALL', `${k}:a`], ['NOSUCHCOMMAND'], ['GET', `${k}:a`]],
        casing,
      );
      const body = [
        ...good.slice(0, 2),
        [casing === 'upper' ? 'SET' : 'set', `${k}:b`, { no: 'objects' }],
        ...good.slice(2),
      ];
      const cliPrefix = testTenant('pipe-cli');

      // Act
      const res = await post('/pipeline', body);
      const items = (await res.json()) as Outcome[];
      const cli = await redisCli(twin().redisUrl, JSON.parse(JSON.stringify(good).replaceAll(k, cliPrefix)));

      // Assess
      expect(res.status).toBe(200);
      expect(items[2]).toEqual({ error: expect.stringMatching(/^body\[2\]\[2\]: .*got object/) });
      expect(comparable([...items.slice(0, 2), ...items.slice(3)], good, k)).toEqual(comparable(cli, good, cliPrefix));
      expect(items.map((i) => 'error' in i)).toEqual([false, false, true, true, true, false]);
    }
  });

  it('runs a transaction with per-item runtime errors like MULTI/EXEC in redis-cli, in both casings', async () => {
    for (const casing of ['upper', 'lower'] as const) {
      const k = testTenant(`tx-${casing}`);
      const commands = (p: string) =>
        cased(
          [
            ['SET', `${p}:a`, '1'],
            ['INCR', `${p}:a`],
            ['HSET', `${p}:a`, 'f', 'v'],
            ['GET', `${p}:a`],
            ['EVAL', "return {1, redis.error_reply('in tx')}", '0'],
          ],
          casing,
        );
      const cliPrefix = testTenant('tx-cli');

      const res = await post('/multi-exec', commands(k));
      const cli = await redisCli(twin().redisUrl, [['MULTI'], ...commands(cliPrefix), ['EXEC']]);

      expect(res.status).toBe(200);
      const exec = cli.at(-1) as { result: unknown[] };
      const cliItems = exec.result.map((r) =>
        r && typeof r === 'object' && 'error' in r ? (r as Outcome) : { result: r },
      );
      expect(await res.json()).toEqual(cliItems);
      expect(cliItems[2]).toEqual({ error: expect.stringMatching(/^WRONGTYPE/) });
    }
  });

  it('aborts a whole transaction when a command fails to queue, and runs none of it', async () => {
    const k = testTenant('tx-abort');
    const [, , , exec] = await redisCli(twin().redisUrl, [
      ['MULTI'],
      ['SET', `${k}:cli`, '1'],
      ['SET', `${k}:cli`],
      ['EXEC'],
    ]);

    const res = await post('/multi-exec', [
      ['set', `${k}:a`, '1'],
      ['set', `${k}:a`],
    ]);
    const after = await (await post('/', ['GET', `${k}:a`])).json();

    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error.startsWith((exec as { error: string }).error)).toBe(true);
    expect(error).toMatch(/wrong number of arguments for 'set'/);
    expect(after).toEqual({ result: null });
  });
});

/**
 * `@upstash/redis` option sets. In 1.39 auto-pipelining is on by default; it is also listed explicitly, and turned off
 * once so the one-POST-per-command path is covered too.
 */
const optionSets: { name: string; options: Partial<RedisConfigNodejs> }[] = [
  { name: 'defaults', options: {} },
  { name: 'automaticDeserialization: false', options: { automaticDeserialization: false } },
  { name: 'responseEncoding: false', options: { responseEncoding: false } },
  { name: 'enableAutoPipelining: true', options: { enableAutoPipelining: true } },
  { name: 'enableAutoPipelining: false', options: { enableAutoPipelining: false } },
];

let cliEndpoint: Awaited<ReturnType<typeof startRedisCliEndpoint>>;
beforeAll(async () => {
  cliEndpoint = await startRedisCliEndpoint(twin().redisUrl);
});
afterAll(() => cliEndpoint?.close());

const clients = (options: Partial<RedisConfigNodejs>) => {
  const base = { enableTelemetry: false, ...options };
  return {
    ours: new Redis({ ...base, url: twin().upstashUrl, token: twin().upstashToken }),
    reference: new Redis({ ...base, url: cliEndpoint.url, token: 'unused' }),
  };
};

/** Runs calls one after the other; a thrown error becomes its message without the client's ", command was" tail. */
async function settle(calls: (() => Promise<unknown>)[], prefix: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const call of calls) {
    try {
      out.push({ value: await call() });
    } catch (err) {
      out.push({ thrown: String((err as Error).message).replace(/, command was: [\s\S]*$/, '') });
    }
  }
  return comparable(out as Outcome[], [], prefix) as unknown[];
}

describe.each(optionSets)('@upstash/redis with $name', ({ options }) => {
  it.each(clientScenarios)('returns what it returns over redis-cli: $name', async (scenario: ClientScenario) => {
    // Prepare
    const { ours, reference } = clients(options);
    const [ourPrefix, refPrefix] = [testTenant('client'), testTenant('client-ref')];

    // Act
    const got = await settle(scenario.calls(ours, ourPrefix), ourPrefix);
    const expected = await settle(scenario.calls(reference, refPrefix), refPrefix);

    // Assess
    expect(got).toEqual(expected);
  });

  it('keeps concurrent auto-pipelined writes apart: a bad one fails alone', async () => {
    const { ours, reference } = clients(options);
    const writes = (r: Redis, k: string) =>
      Promise.allSettled([
        r.set(`${k}:1`, 'a'),
        r.set(`${k}:2`, undefined), // sent as JSON null
        r.incr(`${k}:1`), // not an integer
        r.set(`${k}:3`, 'c', { ex: -1 }), // invalid expire
        r.hset(`${k}:4`, {}), // no field: wrong number of arguments
        r.set(`${k}:5`, 'e'),
      ]).then(async (settled) => [
        settled.map((s) => (s.status === 'fulfilled' ? { value: s.value } : { thrown: true })),
        await r.mget(`${k}:1`, `${k}:2`, `${k}:3`, `${k}:4`, `${k}:5`),
      ]);
    const [ourPrefix, refPrefix] = [testTenant('auto'), testTenant('auto-ref')];

    const got = await writes(ours, ourPrefix);
    const expected = await writes(reference, refPrefix);

    expect(got).toEqual(expected);
    expect(got[0]).toEqual([
      { value: 'OK' },
      { value: 'OK' },
      { thrown: true },
      { thrown: true },
      { thrown: true },
      { value: 'OK' },
    ]);
    const values = got[1] as unknown[];
    // Key 2 holds the text "null", which the client may deserialise to null: only the others are pinned here.
    expect([values[0], values[2], values[3], values[4]]).toEqual(['a', null, null, 'e']);
  });

  it('runs multi() and an explicit pipeline with a failing item like it does over redis-cli', async () => {
    const { ours, reference } = clients(options);
    const run = async (r: Redis, k: string) => {
      const tx = r.multi();
      tx.set(`${k}:s`, 'x');
      tx.incr(`${k}:s`);
      tx.hset(`${k}:h`, { f: 1, g: 'two' });
      tx.hgetall(`${k}:h`);
      // A failing item whose command has its own deserialiser (hgetall, zrange) makes the client itself throw on the
      // missing result, over Upstash too; the failing item here is a plain one.
      const p = r.pipeline();
      p.set(`${k}:p`, 1);
      p.incr(`${k}:p`);
      p.lpush(`${k}:p`, 'x');
      p.zadd(`${k}:z`, { score: 1.5, member: 'm' });
      p.zrange(`${k}:z`, 0, -1, { withScores: true });
      p.hgetall(`${k}:h`);
      return settle([() => tx.exec({ keepErrors: true }), () => p.exec({ keepErrors: true })], k);
    };
    const [ourPrefix, refPrefix] = [testTenant('multi'), testTenant('multi-ref')];

    const got = await run(ours, ourPrefix);
    const expected = await run(reference, refPrefix);

    expect(got).toEqual(expected);
    expect(JSON.stringify(got)).toMatch(/not an integer[\s\S]*WRONGTYPE/);
    expect(JSON.stringify(got)).not.toMatch(/thrown/);
  });
});
