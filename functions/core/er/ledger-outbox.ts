/**
 * The ledger outbox of ER decisions. The effect's transaction writes each decision together with its `er.band` entry
 * (`ledgerData`), so the decision and what the audit ledger will say about it commit or roll back together. A chainer
 * then appends the tenant's waiting entries to the ledger in one batch and records on each decision the seq of its
 * entry, for many tenants in one Neo4j transaction.
 *
 * One entry per decision, with no lock between processes:
 * - A chainer reads the ledger from where it knows every `er.band` entry is recorded on its decision (the tenant's
 *   cursor, or the last entry it read itself) to the end, and looks up in the graph whether each entry it holds is
 *   still unrecorded. An entry at or below that start point would be recorded by then.
 * - It appends only right after the last entry it read (`appendAfter`): a twin of an entry it appends cannot lie before
 *   it (it read that far), nor at its seq (one conditional put wins), nor after it (its writer would have read it).
 * - The cursor moves only in the transaction that records the entries it moves past, so no unrecorded entry lies below
 *   it.
 * A chainer that dies after appending leaves entries unrecorded; the next chainer of the tenant finds them when it
 * reads, and records them.
 */
import type { Driver } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import { LedgerContentionError } from '../audit/errors.js';
import type { AuditLedger, LedgerEntry } from '../audit/types.js';
import { int, toNumber } from '../graph/model.js';
import {
  createLedgerCursorCypher,
  ledgerStateCypher,
  recordLedgerChainCypher,
  setDecisionLedgerSeqCypher,
} from './cypher.js';
import { DependencyFailedError } from './errors.js';
import { type Announcement, groupCommit } from './group-commit.js';
import type { BandEntry } from './outcome.js';

export interface LedgerChainOptions {
  /** Entries of one tenant per append at most. @default 100 */
  maxBatch?: number;
  /** Reads and appends per batch before LEDGER_CONTENTION (each lost race costs one), as the ledger's own. @default 25 */
  attempts?: number;
}

/** What one chaining of a tenant read and wrote: the seq of every er.band entry in its range, and where it ended. */
interface Chained {
  tenant: string;
  rows: { eventId: string; seq: number }[];
  seq: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The chainer: `chain(tenant, entry)` resolves to the seq of the entry's place in the tenant's ledger (appended now or
 * found there). Entries of a tenant that arrive while its previous batch is appended leave together in the next.
 *
 * @example
 * const chain = ledgerChainer(driver, ledger);
 * outcome.ledgerSeq = await chain(envelope.tenant, entry);
 */
export function ledgerChainer(
  driver: Driver,
  ledger: AuditLedger,
  options: LedgerChainOptions = {},
): (tenant: string, entry: BandEntry) => Promise<number> {
  const maxBatch = options.maxBatch ?? 100;
  const attempts = options.attempts ?? 25;
  /** Per tenant, the last entry this process read or wrote; every er.band entry up to it is recorded. */
  const bases = new Map<string, LedgerEntry | null>();
  const record = groupCommit(
    async (chains: Chained[]) => {
      await recordChains(driver, chains);
      return chains.map(() => undefined);
    },
    { maxBatch: 64, maxInFlight: 2 },
  );

  const chainTenant = async (tenant: string, entries: BandEntry[]): Promise<number[]> => {
    // The tenants chained side by side record their seqs in one transaction, not the first to be ready alone.
    const recording = record.announce();
    try {
      return await chainTenantOnce(tenant, entries, recording);
    } finally {
      recording.withdraw();
    }
  };

  const chainTenantOnce = async (tenant: string, entries: BandEntry[], recording: Announcement): Promise<number[]> => {
    // The graph's side, beside the first ledger read: which entries a redelivered copy's chainer has recorded
    // meanwhile (an entry may lie below where this one reads), and the cursor, in one snapshot.
    const state = ledgerState(driver, tenant, [...new Set(entries.map((e) => e.subject))]);
    state.catch(() => undefined); // awaited below; if the ledger read fails first, its error is the one reported
    const base = bases.get(tenant);
    let last = base !== undefined ? base : await startAt(driver, ledger, tenant, (await state).cursor);
    const seqOf = new Map<string, number>();
    const waiting = new Map(entries.map((e) => [e.subject, e]));
    for (let attempt = 1; ; attempt++) {
      for await (const e of ledger.read(tenant, { fromSeq: (last?.seq ?? 0) + 1 })) {
        if (e.kind === 'er.band' && e.subject !== null && !seqOf.has(e.subject)) seqOf.set(e.subject, e.seq);
        last = e;
      }
      if (attempt === 1) {
        const { cursor, recorded } = await state;
        if (base !== undefined && (cursor ?? 0) < (base?.seq ?? 0)) {
          // The graph is behind what this process recorded (restored from a backup): start again from its cursor.
          bases.delete(tenant);
          return chainTenantOnce(tenant, entries, recording);
        }
        for (const [eventId, seq] of recorded) if (!seqOf.has(eventId)) seqOf.set(eventId, seq);
      }
      for (const subject of seqOf.keys()) waiting.delete(subject);
      if (waiting.size === 0) break;
      if (attempt > attempts) throw new LedgerContentionError(tenant, attempts);
      const written = await ledger.appendAfter(tenant, last, [...waiting.values()]);
      for (const w of written) {
        seqOf.set(String(w.subject), w.seq);
        waiting.delete(String(w.subject));
        last = w;
      }
      if (waiting.size === 0) break;
      // Another writer holds the next seq: read what it wrote, then append after it. The other tenants' records do
      // not wait for this one's retries.
      recording.withdraw();
      await sleep(Math.random() * Math.min(200, 2 ** attempt));
    }
    await record.submit(
      { tenant, rows: [...seqOf].map(([eventId, seq]) => ({ eventId, seq })), seq: last?.seq ?? 0 },
      recording,
    );
    bases.set(tenant, last);
    return entries.map((e) => seqOf.get(e.subject)!);
  };

  const perTenant = new Map<string, (entry: BandEntry) => Promise<number>>();
  return (tenant, entry) => {
    let chain = perTenant.get(tenant);
    if (!chain) {
      chain = groupCommit((entries: BandEntry[]) => chainTenant(tenant, entries), { maxBatch, maxInFlight: 1 });
      perTenant.set(tenant, chain);
    }
    return chain(entry);
  };
}

/**
 * Where a process starts reading a tenant's ledger: the entry at the tenant's cursor (null: before the first entry).
 * The first chainer of a tenant creates the cursor at the ledger's head, read before any chainer could append.
 */
async function startAt(
  driver: Driver,
  ledger: AuditLedger,
  tenant: string,
  known: number | null,
): Promise<LedgerEntry | null> {
  let cursor = known;
  if (cursor === null) {
    const head = await ledger.head(tenant);
    const created = await driver.executeQuery(createLedgerCursorCypher.cypher, { tenant, seq: int(head?.seq ?? 0) });
    cursor = toNumber(created.records[0]!.get('seq'));
  }
  if (cursor === 0) return null;
  for await (const entry of ledger.read(tenant, { fromSeq: cursor, limit: 1 })) return entry;
  throw new DependencyFailedError(`the audit ledger of ${tenant} has no entry ${cursor}, where its cursor points`);
}

/** The tenant's cursor (null before its first chaining) and the seqs already recorded on these decisions. */
async function ledgerState(
  driver: Driver,
  tenant: string,
  eventIds: string[],
): Promise<{ cursor: number | null; recorded: Map<string, number> }> {
  const { records } = await driver.executeQuery(
    ledgerStateCypher.cypher,
    { tenant, eventIds },
    { routing: neo4j.routing.READ },
  );
  const row = records[0]!;
  const cursor = row.get('cursor');
  const recorded = row.get('recorded') as { eventId: string; seq: unknown }[];
  return {
    cursor: cursor == null ? null : toNumber(cursor),
    recorded: new Map(recorded.map((r) => [r.eventId, toNumber(r.seq)])),
  };
}

/** Records several chainings (any tenants) in one write transaction, so a batch of tenants pays one commit. */
async function recordChains(driver: Driver, chains: readonly Chained[]): Promise<void> {
  const params = chains.map((c) => ({
    tenant: c.tenant,
    rows: c.rows.map((r) => ({ eventId: r.eventId, seq: int(r.seq) })),
    seq: int(c.seq),
  }));
  if (params.length === 1) {
    await driver.executeQuery(recordLedgerChainCypher.cypher, params[0]);
    return;
  }
  // The same bookmark manager as executeQuery, so later reads see these writes as they would after one statement.
  const session = driver.session({ bookmarkManager: driver.executeQueryBookmarkManager });
  try {
    await session.executeWrite(async (tx) => {
      for (const p of params) await tx.run(recordLedgerChainCypher.cypher, p);
    });
  } finally {
    await session.close();
  }
}

/** Records on a decision which entry holds it (the journal replay, whose entry is already in the ledger). */
export async function recordLedgerSeq(driver: Driver, tenant: string, eventId: string, seq: number): Promise<void> {
  await driver.executeQuery(setDecisionLedgerSeqCypher.cypher, { tenant, eventId, seq: int(seq) });
}
