/** The twin's Neo4j for a graph test file; imported by tests only. */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll } from 'vitest';
import { createDriver } from '../../../functions/core/graph/driver.js';
import { migrate } from '../../../functions/core/graph/migrations.js';
import { Neo4jGraphRepository } from '../../../functions/core/graph/repository.js';
import { twin } from './twin.js';

/**
 * A driver on the twin's Neo4j, migrated, and a repository over it, for the test file that calls this at its top
 * level: filled in before its tests run, the driver closed after them.
 *
 * @example
 * const g = graphOnTwin();
 * it('…', async () => { await g.repo.upsertEntity(tenant, entityInput()); });
 */
export function graphOnTwin(): { readonly driver: Driver; readonly repo: Neo4jGraphRepository } {
  const g = {} as { driver: Driver; repo: Neo4jGraphRepository };
  beforeAll(async () => {
    g.driver = createDriver(twin().neo4jUri);
    await migrate(g.driver);
    g.repo = new Neo4jGraphRepository(g.driver);
  });
  afterAll(() => g.driver?.close());
  return g;
}
