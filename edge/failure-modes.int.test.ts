import { afterAll, describe, expect, it } from 'vitest';
import { Neo4jGraphRepository } from '../functions/core/graph/index.js';
import { entityInput } from '../functions/core/graph/test-support/fixtures.js';
import { freePort } from '../infra/local/process.js';
import { testTenant, twin } from '../infra/local/test-support/twin.js';
import { apqBody } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

type Stack = Awaited<ReturnType<typeof realStack>>;
const stacks: Stack[] = [];
afterAll(() => Promise.all(stacks.map((s) => s.close())));

async function stack(config: Parameters<typeof realStack>[0]) {
  const s = await realStack(config);
  stacks.push(s);
  return s;
}

const read = (s: Stack, token: string, id: string) =>
  s.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: apqBody('GetEntity', { id }),
  });

describe('failure modes at the edge, under a bounded burst', () => {
  it('Upstash down: the edge fails open to the origin and counts every fail-open', async () => {
    // Nothing listens on this port: cache reads and the rate limiter cannot reach Upstash.
    const s = await stack({
      config: { upstash: { url: `http://127.0.0.1:${await freePort()}`, token: twin().upstashToken } },
    });
    const tenant = testTenant('upstash-down');
    await new Neo4jGraphRepository(s.origin.driver).upsertEntity(
      tenant,
      entityInput({ id: 'u1', dataClass: 'ENTITY' }),
    );
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });

    const answers = await Promise.all(Array.from({ length: 20 }, () => read(s, token, 'u1')));

    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect(answers.every((r) => r.headers.get('x-cache') === 'MISS')).toBe(true);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(bodies.every((b) => b.data.entity.id === 'u1')).toBe(true);
    expect(s.metrics.counters.cache_fail_open).toBeGreaterThanOrEqual(20);
    expect(s.state.originCalls).toBe(20);
  });

  it('origin cold or slow: every request ends at the edge timeout with 503 and Retry-After, none waits for the origin', async () => {
    const s = await stack({ config: { timeouts: { cacheMs: 250, originMs: 300 } } });
    const tenant = testTenant('slow-origin');
    const token = await s.issuer.sign({ tenant, roles: ['analyst'] });
    s.state.originDelayMs = 20_000;

    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => read(s, token, `never-cached-${i}`)));
    const elapsed = performance.now() - started;

    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 503));
    expect(answers.every((r) => r.headers.get('retry-after') === '5')).toBe(true);
    expect((await answers[0]!.json()).errors[0].extensions.code).toBe('ORIGIN_UNAVAILABLE');
    // Bounded by the 300 ms origin timeout, far from the 20 s the origin would take.
    expect(elapsed).toBeLessThan(10_000);
    expect(s.metrics.counters.origin_errors).toBe(10);
  });
});
