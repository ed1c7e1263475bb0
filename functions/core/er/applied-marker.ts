/**
 * The exactly-once markers of intake events in the graph, taken with the group's lock stripes and written in the same
 * transaction as the events' effects: a rollback removes the markers too, so each event is applied exactly once. A
 * marker keeps its record's hash, so a different record under an applied event id is refused even after the
 * idempotency key's claim (idempotency/events.ts) is gone.
 */
import { randomUUID } from 'node:crypto';
import type { ManagedTransaction } from 'neo4j-driver';
import { epochMs, int } from '../graph/model.js';
import { idSchema, parseInput, parseTenant } from '../graph/validation.js';
import { lockAndMarkEventsCypher } from './cypher.js';

/** An event to mark applied: its id and its record's hash (idempotency/events.ts `payloadHash`, the key's hash). */
export interface EventMark {
  eventId: string;
  recordHash: string;
}

/**
 * What marking found, per event: `fresh`, this call created the marker; `applied`, the event was applied before with
 * the same record, or by a marker written before markers kept a hash (unknown: answered as applied), or it appears
 * earlier in the same list with the same record; `conflict`, it was applied with a different record.
 */
export type MarkResult = 'fresh' | 'applied' | 'conflict';

/**
 * Write-locks the tenant's `stripes` (sorted ascending, as every caller takes them) and marks `events` applied, in
 * one statement ({@link lockAndMarkEventsCypher}). One {@link MarkResult} per event, in order.
 */
export async function lockAndMarkEventsTx(
  tx: ManagedTransaction,
  tenant: string,
  stripes: readonly number[],
  marks: readonly EventMark[],
): Promise<MarkResult[]> {
  const events = marks.map((m) => ({
    eventId: parseInput(idSchema, m.eventId, 'event id'),
    recordHash: m.recordHash,
    token: randomUUID(),
  }));
  const result = await tx.run(lockAndMarkEventsCypher.cypher, {
    tenant: parseTenant(tenant),
    stripes: stripes.map(int),
    events,
    now: epochMs(),
  });
  const found = new Map<string, MarkResult>(
    result.records.map((r) => [
      String(r.get('token')),
      r.get('fresh') === true ? 'fresh' : r.get('conflict') === true ? 'conflict' : 'applied',
    ]),
  );
  return events.map((e) => found.get(e.token) ?? 'applied');
}
