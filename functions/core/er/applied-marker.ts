/**
 * The exactly-once markers of intake events in the graph, taken with the group's lock stripes and written in the same
 * transaction as the events' effects: a rollback removes the markers too, so each event is applied exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { epochMs, int } from '../graph/model.js';
import { idSchema, parseInput, parseTenant } from '../graph/validation.js';
import { lockAndMarkEventsCypher } from './cypher.js';

/**
 * Write-locks the tenant's `stripes` (sorted ascending, as every caller takes them) and marks `eventIds` applied, in
 * one statement ({@link lockAndMarkEventsCypher}). Per event id, in order: true where this call created its marker;
 * false when the event was applied before, or appears earlier in `eventIds`.
 */
export async function lockAndMarkEventsTx(
  tx: ManagedTransaction,
  tenant: string,
  stripes: readonly number[],
  eventIds: readonly string[],
): Promise<boolean[]> {
  const events = eventIds.map((eventId) => ({
    eventId: parseInput(idSchema, eventId, 'event id'),
    token: randomUUID(),
  }));
  const result = await tx.run(lockAndMarkEventsCypher.cypher, {
    tenant: parseTenant(tenant),
    stripes: stripes.map(int),
    events,
    now: epochMs(),
  });
  const fresh = new Map(result.records.map((r) => [String(r.get('token')), r.get('fresh') === true]));
  return events.map((e) => fresh.get(e.token) === true);
}
