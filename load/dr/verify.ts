/**
 * What the DR drill checks after recovery: every acknowledged write and event is in the graph (the RPO, in accepted
 * items missing), every tenant's audit chain verifies across the gap, and no event has two `er.band` entries.
 */
import type { Driver } from 'neo4j-driver';
import type { AuditLedger } from '../../functions/core/audit/types.js';
import { verifyLedger } from '../../functions/core/audit/verify.js';
import { getDecisionCypher } from '../../functions/core/er/cypher.js';
import type { GraphRepository } from '../../functions/core/graph/types.js';
import type { AcceptedEvent, AcceptedWrite } from './traffic.js';

export interface Losses {
  writesMissing: { tenant: string; id: string }[];
  eventsMissing: { tenant: string; eventId: string }[];
}

/** Accepted writes whose entity is absent or holds another name, and accepted events without a decision. */
export async function findLosses(
  driver: Driver,
  repo: GraphRepository,
  writes: readonly AcceptedWrite[],
  events: readonly AcceptedEvent[],
): Promise<Losses> {
  const writesMissing: Losses['writesMissing'] = [];
  for (const w of writes) {
    const entity = await repo.getEntity(w.tenant, w.id);
    if (!entity?.names.includes(w.name)) writesMissing.push({ tenant: w.tenant, id: w.id });
  }
  const eventsMissing: Losses['eventsMissing'] = [];
  for (const e of events) {
    const { records } = await driver.executeQuery(getDecisionCypher.cypher, { tenant: e.tenant, eventId: e.eventId });
    if (records.length === 0) eventsMissing.push({ tenant: e.tenant, eventId: e.eventId });
  }
  return { writesMissing, eventsMissing };
}

/** Each tenant's chain verified, and `er.band` entries per event counted. */
export async function checkLedger(ledger: AuditLedger, tenants: readonly string[]) {
  const chains = [];
  let duplicateBands = 0;
  for (const tenant of tenants) {
    chains.push(await verifyLedger(tenant, ledger.read(tenant)));
    const seen = new Set<string>();
    for await (const e of ledger.read(tenant)) {
      if (e.kind !== 'er.band' || !e.subject) continue;
      if (seen.has(e.subject)) duplicateBands++;
      seen.add(e.subject);
    }
  }
  return { chains, duplicateBands, ok: chains.every((c) => c.ok) && duplicateBands === 0 };
}
