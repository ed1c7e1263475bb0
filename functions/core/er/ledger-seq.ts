/**
 * Which audit ledger entry holds each decision: the claim that lets exactly one receive append a decision's entry, and
 * the sequence recorded on the decision afterwards, so a redelivery never appends it twice.
 */
import { randomUUID } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { epochMs, int } from '../graph/model.js';
import { claimLedgerCypher, setDecisionLedgerSeqCypher, setDecisionLedgerSeqsCypher } from './cypher.js';

/**
 * Claims the decision's ledger append for this caller (see claimLedgerCypher). The effect transaction itself claims
 * for its own caller, so only receives that find an applied event without `ledgerSeq` need this.
 */
export async function claimLedger(
  driver: Driver,
  tenant: string,
  eventId: string,
  remainingMs: number,
): Promise<boolean> {
  const now = Date.now();
  const { records } = await driver.executeQuery(claimLedgerCypher.cypher, {
    tenant,
    eventId,
    token: randomUUID(),
    now: epochMs(now),
    claimUntil: epochMs(now + remainingMs),
  });
  return records[0]?.get('claimed') === true;
}

/** Records on the decision which audit ledger entry holds it, so a redelivery does not append it twice. */
export async function recordLedgerSeq(driver: Driver, tenant: string, eventId: string, seq: number): Promise<void> {
  await driver.executeQuery(setDecisionLedgerSeqCypher.cypher, { tenant, eventId, seq: int(seq) });
}

/**
 * {@link recordLedgerSeq} for several decisions: one statement per tenant (every template takes `$tenant`), all in one
 * write transaction, so a group of concurrent events still pays one commit.
 */
export async function recordLedgerSeqs(
  driver: Driver,
  rows: readonly { tenant: string; eventId: string; seq: number }[],
): Promise<void> {
  const byTenant = new Map<string, { eventId: string; seq: ReturnType<typeof int> }[]>();
  for (const r of rows) {
    const list = byTenant.get(r.tenant) ?? [];
    list.push({ eventId: r.eventId, seq: int(r.seq) });
    byTenant.set(r.tenant, list);
  }
  const groups = [...byTenant];
  if (groups.length === 0) return;
  if (groups.length === 1) {
    const [[tenant, list]] = groups as [[string, unknown[]]];
    await driver.executeQuery(setDecisionLedgerSeqsCypher.cypher, { tenant, rows: list });
    return;
  }
  // The same bookmark manager as executeQuery, so later claims read these writes as they would after one statement.
  const session = driver.session({ bookmarkManager: driver.executeQueryBookmarkManager });
  try {
    await session.executeWrite(async (tx) => {
      for (const [tenant, list] of groups) await tx.run(setDecisionLedgerSeqsCypher.cypher, { tenant, rows: list });
    });
  } finally {
    await session.close();
  }
}
