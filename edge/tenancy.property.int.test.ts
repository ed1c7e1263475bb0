import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../infra/local/test-support/twin.js';
import { apqBody } from './test-support/fixtures.js';
import { realStack } from './test-support/real-stack.js';

/**
 * Property at the edge: over 10,000 random (tenant, operation, variables) requests — mostly cache hits once warm, with
 * writes that invalidate — no cached body of one tenant is ever returned to another. All tenants hold the same ids.
 */
type Stack = Awaited<ReturnType<typeof realStack>>;
let s: Stack;
const tenants = [testTenant('ea'), testTenant('eb'), testTenant('ec')];
const tokens = new Map<string, string>();
const ids = ['n1', 'n2', 'n3', 'n4'];
const marker = (t: string) => `mark${t.replace(/[^a-z0-9]/g, '')}`;

async function send(tenant: string, op: string, variables: Record<string, unknown>) {
  const res = await s.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(tenant)}` },
    body: apqBody(op, variables),
  });
  return { status: res.status, xCache: res.headers.get('x-cache'), text: await res.text() };
}

const upsert = (tenant: string, id: string, n: number) => ({
  input: { id, kind: 'ORGANISATION', names: [`${marker(tenant)} ${id} v${n}`], dataClass: 'ENTITY', licence: 'PUBLIC' },
});

beforeAll(async () => {
  // Generous limits: this test is about isolation, not throttling.
  s = await realStack({
    config: { rateLimits: { tenant: { requests: 100_000, windowS: 60 }, subject: { requests: 100_000, windowS: 60 } } },
  });
  for (const t of tenants) {
    tokens.set(t, await s.issuer.sign({ tenant: t, roles: ['analyst'] }, { exp: '30m' }));
    for (const id of ids) await send(t, 'UpsertEntity', upsert(t, id, 0));
    await send(t, 'LinkEntities', { input: { from: 'n1', to: 'n2', type: 'OWNS' } });
  }
}, 60_000);
afterAll(() => s.close());

describe('edge tenant isolation (property)', () => {
  it('never serves one tenant’s cached body to another over 10,000 random requests', async () => {
    const seen = new Map<string, number>();
    const id = fc.constantFrom(...ids);
    const req = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('GetEntity'), vars: fc.record({ id }) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('Neighbors'), vars: fc.record({ id }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('Search'),
          vars: fc.record({ text: fc.constantFrom('n1', 'n2', 'mark') }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('UpsertEntity'), vars: fc.record({ id, n: fc.nat(99) }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(tenants.length - 1), req, async (ti, { op, vars }) => {
        const tenant = tenants[ti]!;
        const v = op === 'UpsertEntity' ? upsert(tenant, (vars as { id: string }).id, (vars as { n: number }).n) : vars;
        const r = await send(tenant, op, v);
        seen.set(r.xCache ?? 'none', (seen.get(r.xCache ?? 'none') ?? 0) + 1);
        expect(r.status).toBeLessThan(500);
        for (const other of tenants) if (other !== tenant) expect(r.text).not.toContain(marker(other));
      }),
      { numRuns: 10_000, seed: 42 },
    );
    // The property only means something if most reads were answered from the shared cache.
    expect(seen.get('HIT') ?? 0).toBeGreaterThan(5_000);
  }, 300_000);
});
