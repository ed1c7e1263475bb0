import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../functions/core/graph/driver.js';
import { relTypes } from '../../../functions/core/graph/types.js';
import { twin } from '../test-support/twin.js';
import { seedGraph, seedTenant } from './graph.js';

let driver: Driver;
beforeAll(() => {
  driver = createDriver(twin().neo4jUri);
});
afterAll(() => driver?.close());

describe('seedGraph', () => {
  it('seeds every tenant with all relationship types and skips everything on a rerun', async () => {
    const seed = 1_000 + Math.floor(Math.random() * 1e6);
    const options = { tenants: 2, entities: 400, edges: 2_000, seed, batchSize: 300 };
    const first = await seedGraph(driver, options);
    const again = await seedGraph(driver, options);

    expect(first.tenants).toEqual([seedTenant(seed, 0), seedTenant(seed, 1)]);
    expect(again).toMatchObject({ batchesWritten: 0, batchesSkipped: first.batchesWritten });
    const { records } = await driver.executeQuery(
      `MATCH (a:Entity {tenant: $t})-[r]->(b:Entity {tenant: $t}) WHERE r.tenant = $t
       RETURN count(r) AS edges, collect(DISTINCT type(r)) AS types`,
      { t: first.tenants[0] },
    );
    expect(records[0]!.get('edges').toNumber()).toBe(1_000);
    expect([...records[0]!.get('types')].sort()).toEqual([...relTypes].sort());
  });
});
