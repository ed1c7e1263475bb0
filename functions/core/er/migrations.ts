/** Schema migration of entity resolution's own nodes (er/cypher.ts), run next to the graph's `migrate`. */
import type { Driver } from 'neo4j-driver';
import { erSchemaCypher } from './cypher.js';
import { reviewSchemaCypher } from './review/cypher.js';

/** Creates the ER constraints and indexes (idempotent). */
export async function migrateEr(driver: Driver): Promise<void> {
  for (const statement of [...erSchemaCypher, ...reviewSchemaCypher]) {
    await driver.executeQuery(statement.cypher).catch((err: unknown) => {
      if (!String((err as { code?: string }).code ?? '').includes('AlreadyExists')) throw err;
    });
  }
}
