import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant } from '../../infra/local/test-support/twin.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';

/**
 * Property: over many random (tenant, operation, variables) requests — reads that hit and miss the shared cache, and
 * writes that invalidate it — no response ever carries another tenant's data. Every tenant holds the SAME entity ids,
 * so a key or query that forgot the tenant would show up as a foreign marker in a response.
 */
type Origin = Awaited<ReturnType<typeof realOrigin>>;
let o: Origin;
const tenants = [testTenant('pa'), testTenant('pb'), testTenant('pc')];
const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];
const marker = (tenant: string) => `mark${tenant.replace(/[^a-z0-9]/g, '')}`;

async function call(tenant: string, operation: string, variables: Record<string, unknown>) {
  const res = await o.yoga.fetch(await signedGraphqlRequest({ tenant, operation, variables }));
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  o = await realOrigin();
  for (const t of tenants) {
    for (const id of ids) {
      const input = {
        id,
        kind: 'PERSON',
        names: [`${marker(t)} ${id} Smith`],
        dataClass: 'ENTITY',
        licence: 'INTERNAL_ONLY',
      };
      await call(t, 'UpsertEntity', { input });
    }
    for (let i = 0; i < ids.length - 1; i++) {
      await call(t, 'LinkEntities', { input: { from: ids[i], to: ids[i + 1], type: 'KNOWS' } });
    }
  }
}, 60_000);
afterAll(() => o.close());

const id = fc.constantFrom(...ids);
const request = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('GetEntity'), vars: fc.record({ id }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('Neighbors'),
      vars: fc.record({ id, hops: fc.integer({ min: 1, max: 2 }) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('Search'), vars: fc.record({ text: fc.constantFrom('smith', ...ids) }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('Path'), vars: fc.record({ from: id, to: id }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('UpsertEntity'),
      vars: fc.record({ id, n: fc.nat(1000) }),
    }),
  },
);

describe('tenant isolation (property, real Neo4j + real cache)', () => {
  it('never returns another tenant’s data over 10,000 random requests', async () => {
    let cacheable = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(tenants.length - 1), request, async (ti, { op, vars }) => {
        const tenant = tenants[ti]!;
        const variables =
          op === 'UpsertEntity'
            ? {
                input: {
                  id: (vars as { id: string }).id,
                  kind: 'PERSON',
                  names: [`${marker(tenant)} ${(vars as { id: string }).id} Smith v${(vars as { n: number }).n}`],
                  dataClass: 'ENTITY',
                  licence: 'INTERNAL_ONLY',
                },
              }
            : vars;
        const { status, text } = await call(tenant, op, variables);
        if (op !== 'UpsertEntity') cacheable++;
        expect(status).toBeLessThan(500);
        for (const other of tenants) if (other !== tenant) expect(text).not.toContain(marker(other));
      }),
      { numRuns: 10_000, seed: 20261128 },
    );
    expect(cacheable).toBeGreaterThan(8_000);
  }, 300_000);
});
