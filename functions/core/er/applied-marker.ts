/** The exactly-once marker of an intake event in the graph, written in the same transaction as the event's effect. */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { epochMs } from '../graph/model.js';
import { idSchema, parseInput, parseTenant } from '../graph/validation.js';
import { markEventAppliedCypher } from './cypher.js';

/**
 * Records that an event was applied; true the first time for (tenant, eventId), false on every later call. Run it in
 * the same transaction as the event's writes: a rollback removes the marker too, so the event is applied exactly once.
 */
export async function markEventAppliedTx(tx: ManagedTransaction, tenant: string, eventId: string): Promise<boolean> {
  const result = await tx.run(markEventAppliedCypher.cypher, {
    tenant: parseTenant(tenant),
    eventId: parseInput(idSchema, eventId, 'event id'),
    now: epochMs(),
    token: randomUUID(),
  });
  return result.records[0]?.get('fresh') === true;
}
