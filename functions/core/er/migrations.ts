/** Schema migration of entity resolution's own nodes (er/cypher.ts), run next to the graph's `migrate`. */
import type { Driver } from 'neo4j-driver';
import { awaitIndexesCypher } from '../graph/cypher/schema.js';
import { erSchemaCypher } from './cypher.js';
import { reviewSchemaCypher } from './review/cypher.js';

/** Creates the ER constraints and indexes (idempotent) and waits until they are online (blocking queries them). */
export async function migrateEr(driver: Driver, options: { timeoutSeconds?: number } = {}): Promise<void> {
  for (const statement of [...erSchemaCypher, ...reviewSchemaCypher]) {
    await driver.executeQuery(statement.cypher).catch((err: unknown) => {
      if (!String((err as { code?: string }).code ?? '').includes('AlreadyExists')) throw err;
    });
  }
  await driver.executeQuery(awaitIndexesCypher.cypher, { timeout: options.timeoutSeconds ?? 300 });
}
