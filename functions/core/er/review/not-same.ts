/**
 * "Not the same" constraints (a reviewer's REJECT) as the re-cluster planner reads them: it never merges or proposes a
 * pair of entities whose clusters hold a rejected pair. (The intake's blocking skips rejected candidates itself:
 * er/cypher.ts blockingCandidatesCypher.)
 */
import type { ManagedTransaction } from 'neo4j-driver';
import { notSamePairsCypher } from './cypher.js';

/** A pair of entity ids a person said are not the same (`a` < `b`). */
export interface NotSamePair {
  a: string;
  b: string;
}

/** Every not-same pair of the tenant. */
export async function notSamePairsTx(tx: ManagedTransaction, tenant: string): Promise<NotSamePair[]> {
  const rows = await tx.run(notSamePairsCypher.cypher, { tenant });
  return rows.records.map((r) => ({ a: String(r.get('a')), b: String(r.get('b')) }));
}

/**
 * A test of "may these two clusters become one?" over the pairs: false when some rejected pair has one side in each
 * (`rootOf` maps an entity to its cluster's root as the caller currently sees it).
 */
export function apartTest(pairs: readonly NotSamePair[], rootOf: (id: string) => string) {
  return (x: string, y: string): boolean => {
    const [rx, ry] = [rootOf(x), rootOf(y)];
    return pairs.some(({ a, b }) => {
      const [ra, rb] = [rootOf(a), rootOf(b)];
      return (ra === rx && rb === ry) || (ra === ry && rb === rx);
    });
  };
}
