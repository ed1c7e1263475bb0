import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { createDriver } from '../graph/driver.js';
import { upsertEntityTx } from '../graph/entity-writes.js';
import { migrate } from '../graph/migrations.js';
import { Neo4jGraphRepository } from '../graph/repository.js';
import { entityInput } from '../graph/test-support/fixtures.js';
import { lockAndMarkEventsTx } from './applied-marker.js';
import { blockingCandidatesTx } from './blocking.js';

let driver: Driver;
let repo: Neo4jGraphRepository;

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrate(driver);
  repo = new Neo4jGraphRepository(driver);
});
afterAll(() => driver?.close());

describe('ER graph building blocks', () => {
  it('applies an event exactly once when the marker runs in the same transaction as the write', async () => {
    const tenant = testTenant('tx');
    const apply = async () => {
      const session = driver.session();
      try {
        return await session.executeWrite(async (tx) => {
          const [fresh] = await lockAndMarkEventsTx(tx, tenant, [], ['evt-1']);
          if (!fresh) return 'duplicate';
          await upsertEntityTx(tx, tenant, entityInput({ names: ['Once'] }));
          return 'applied';
        });
      } finally {
        await session.close();
      }
    };

    const outcomes = await Promise.all([apply(), apply(), apply()]);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    const { records } = await driver.executeQuery('MATCH (e:Entity {tenant: $tenant}) RETURN count(e) AS n', {
      tenant,
    });
    expect(records[0]!.get('n').toNumber()).toBe(1);
  });

  it('finds ER blocking candidates by shared name token or identifier within the tenant only', async () => {
    const tenant = testTenant('tx');
    const other = testTenant('tx');
    await repo.upsertEntity(tenant, entityInput({ id: 'x', names: ['Jürgen Müller'] }));
    await repo.upsertEntity(tenant, entityInput({ id: 'y', names: ['Someone Else'], identifiers: ['lei:ABC-1'] }));
    await repo.upsertEntity(other, entityInput({ id: 'z', names: ['Jurgen Muller'], identifiers: ['lei:ABC-1'] }));
    const session = driver.session();
    try {
      const found = await session.executeRead((tx) =>
        blockingCandidatesTx(tx, tenant, { tokens: ['muller'], identifiers: ['lei:ABC-1'], limit: 10 }),
      );
      expect(found.map((c) => c.entity.id).sort()).toEqual(['x', 'y']);
    } finally {
      await session.close();
    }
  });
});
