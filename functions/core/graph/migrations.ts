/**
 * Schema migration: the graph's constraints and indexes (cypher/schema.ts), created idempotently and awaited online,
 * so `npm start`, tests and the seeder can all call `migrate` every time.
 */
import { type Driver, Neo4jError } from 'neo4j-driver';
import { awaitIndexesCypher, graphSchemaCypher } from './cypher/schema.js';

const alreadyExists = new Set([
  'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists',
  'Neo.ClientError.Schema.ConstraintAlreadyExists',
  'Neo.ClientError.Schema.IndexAlreadyExists',
]);

/**
 * Creates every constraint and index and waits until all indexes are online (or throws after `timeoutSeconds`).
 *
 * @example
 * await migrate(createDriver('bolt://127.0.0.1:7687'));
 */
export async function migrate(driver: Driver, options: { database?: string; timeoutSeconds?: number } = {}) {
  const session = driver.session({ database: options.database });
  try {
    // Schema changes cannot share a transaction with each other's reads; one auto-commit statement each.
    for (const statement of graphSchemaCypher) {
      // Two processes migrating at once (parallel test files, several Lambdas) race on IF NOT EXISTS; the loser's
      // "already exists" means the schema is what we want.
      await session.run(statement.cypher).catch((error: unknown) => {
        if (!(error instanceof Neo4jError && alreadyExists.has(error.code))) throw error;
      });
    }
    await session.run(awaitIndexesCypher.cypher, { timeout: options.timeoutSeconds ?? 300 });
  } finally {
    await session.close();
  }
}
