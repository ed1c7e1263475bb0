/**
 * Schema migration: constraints and indexes the templates rely on, created idempotently (`IF NOT EXISTS`) and awaited
 * online, so `npm start`, tests and the seeder can all call `migrate` every time.
 *
 * Neo4j 5.26 Community supports composite property uniqueness constraints (`REQUIRE (a, b) IS UNIQUE`, backed by a
 * range index); node keys and existence constraints are Enterprise-only, so `tenant` and `id` presence is enforced by
 * the write templates rather than by the schema.
 */
import { type Driver, Neo4jError } from 'neo4j-driver';
import { namesIndex } from './cypher.js';

/** One schema statement; each is safe to run again. */
export const migrationStatements: readonly string[] = [
  'CREATE CONSTRAINT entity_tenant_id IF NOT EXISTS FOR (e:Entity) REQUIRE (e.tenant, e.id) IS UNIQUE',
  'CREATE CONSTRAINT merge_record_tenant_id IF NOT EXISTS FOR (m:MergeRecord) REQUIRE (m.tenant, m.id) IS UNIQUE',
  'CREATE CONSTRAINT applied_event_tenant_event IF NOT EXISTS FOR (a:AppliedEvent) REQUIRE (a.tenant, a.eventId) IS UNIQUE',
  'CREATE INDEX entity_tenant IF NOT EXISTS FOR (e:Entity) ON (e.tenant)',
  'CREATE INDEX entity_tenant_kind IF NOT EXISTS FOR (e:Entity) ON (e.tenant, e.kind)',
  'CREATE INDEX merge_record_survivor IF NOT EXISTS FOR (m:MergeRecord) ON (m.tenant, m.survivorId)',
  // The retention sweep pages through a tenant's expired entities.
  'CREATE INDEX entity_tenant_expires IF NOT EXISTS FOR (e:Entity) ON (e.tenant, e.expiresAt)',
  // Folding analyzer: `Müller` and `Muller` share a term, as the search tokens (model.nameTokens) do.
  `CREATE FULLTEXT INDEX ${namesIndex} IF NOT EXISTS FOR (e:Entity) ON EACH [e.names]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'standard-folding'}}`,
  // Range and text indexes cannot answer `$token IN e.nameTokens` (lists are not indexed per element); a full-text
  // index with the keyword analyzer indexes every list element as one exact term, which is what ER blocking needs.
  `CREATE FULLTEXT INDEX entity_blocking IF NOT EXISTS FOR (e:Entity) ON EACH [e.nameTokens, e.identifiers]
   OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'keyword'}}`,
];

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
    for (const statement of migrationStatements) {
      // Two processes migrating at once (parallel test files, several Lambdas) race on IF NOT EXISTS; the loser's
      // "already exists" means the schema is what we want.
      await session.run(statement).catch((error: unknown) => {
        if (!(error instanceof Neo4jError && alreadyExists.has(error.code))) throw error;
      });
    }
    await session.run('CALL db.awaitIndexes($timeout)', { timeout: options.timeoutSeconds ?? 300 });
  } finally {
    await session.close();
  }
}
