/** Blocking: the few live entities worth scoring against a record, found by shared name tokens or identifiers. */
import type { ManagedTransaction } from 'neo4j-driver';
import { luceneTerm } from '../graph/lucene.js';
import { epochMs, int, type Props, toEntity } from '../graph/model.js';
import type { Entity } from '../graph/types.js';
import { parseTenant } from '../graph/validation.js';
import { blockingCandidatesCypher } from './cypher.js';

/** A blocking candidate: a live entity sharing a name token or an identifier, with its Lucene score. */
export interface BlockingCandidate {
  entity: Entity;
  score: number;
}

/**
 * Live entities of the tenant that share any normalised name token or identifier with a record. Tokens should come
 * from the graph's `nameTokens` (what the `entity_blocking` index holds); identifiers are matched exactly.
 */
export async function blockingCandidatesTx(
  tx: ManagedTransaction,
  tenant: string,
  query: { tokens: string[]; identifiers?: string[]; limit: number },
): Promise<BlockingCandidate[]> {
  const terms = [
    ...query.tokens.slice(0, 32).map((t) => `nameTokens:${luceneTerm(t)}`),
    ...(query.identifiers ?? []).slice(0, 32).map((i) => `identifiers:${luceneTerm(i)}`),
  ];
  if (terms.length === 0) return [];
  const result = await tx.run(blockingCandidatesCypher.cypher, {
    tenant: parseTenant(tenant),
    query: terms.join(' OR '),
    now: epochMs(),
    limit: int(Math.min(Math.max(1, Math.trunc(query.limit)), 1000)),
  });
  return result.records.map((r) => ({ entity: toEntity(r.get('entity') as Props), score: Number(r.get('score')) }));
}
