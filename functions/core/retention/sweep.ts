/**
 * The retention sweep: per tenant, stamp an expiry on entities written without one, then tombstone the entities the
 * retention policy says are expired, in batches, skipping legal holds, with one audit ledger entry per batch that
 * changed something. Reads already hide expired data; the sweep is what actually removes it.
 *
 * Expiries are re-checked against the current policy before anything is removed: a stored `expiresAt` was computed by
 * the bundle revision of its last write, and a later revision that lengthened a tier must not lose data to the old one.
 */
import type { AuditLedger } from '../audit/types.js';
import type { RetentionCandidate, RetentionStore } from '../graph/retention-store.js';
import { type PolicyEngine, toDecisionLogEntry } from '../policy/index.js';
import { retentionDecision, retentionInput } from './expiry.js';

/** How a sweep runs. */
export interface SweepOptions {
  store: RetentionStore;
  engine: PolicyEngine;
  ledger: AuditLedger;
  /** Only these tenants; default every tenant with expired or unstamped entities. */
  tenants?: string[];
  /** Epoch ms the sweep judges expiry at. @default Date.now() */
  now?: number;
  /** Entities per page and per write transaction. @default 200 */
  batchSize?: number;
  /** Report what would happen; write nothing to the graph or the ledger. */
  dryRun?: boolean;
  /** Who the ledger names as the actor. @default 'retention-sweep' */
  actor?: string;
}

/** What the sweep did (or, in a dry run, would do) for one tenant. */
export interface TenantSweepReport {
  tenant: string;
  /** Entities that had no expiry and got one. */
  stamped: number;
  /** Entities whose stored expiry the current policy moved (not removed). */
  restamped: number;
  /** Entities tombstoned (dry run: would be). */
  tombstoned: number;
  relationshipsRemoved: number;
  /** Expired entities a hold placed mid-sweep saved. */
  skippedHeld: number;
  /** Entities under legal hold in the tenant (never touched by the sweep). */
  held: number;
  ledgerEntries: number;
}

/** The whole sweep. */
export interface SweepReport {
  now: number;
  dryRun: boolean;
  revision: string;
  tenants: TenantSweepReport[];
}

function decide(engine: PolicyEngine, candidate: RetentionCandidate, now: number) {
  const facts = { dataClass: candidate.dataClass, createdAtMs: candidate.createdAtMs, legalHold: false };
  const decision = retentionDecision(engine, facts, now);
  const entry = toDecisionLogEntry(decision, retentionInput(facts, now), new Date(now));
  return { candidate, entry, tier: decision.tier, expiresAt: decision.expires_at_ms, expired: !decision.allow };
}

/** Pages through `page(after)` by id until a short page. */
async function* pages(page: (after: string) => Promise<RetentionCandidate[]>, size: number) {
  let after = '';
  for (;;) {
    const rows = await page(after);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = rows.at(-1)!.id;
  }
}

/** Sweeps one tenant. */
export async function sweepTenant(tenant: string, options: SweepOptions): Promise<TenantSweepReport> {
  const { store, engine, ledger } = options;
  const now = options.now ?? Date.now();
  const size = options.batchSize ?? 200;
  const actor = options.actor ?? 'retention-sweep';
  const report: TenantSweepReport = {
    tenant,
    stamped: 0,
    restamped: 0,
    tombstoned: 0,
    relationshipsRemoved: 0,
    skippedHeld: 0,
    held: 0,
    ledgerEntries: 0,
  };
  const audit = async (kind: string, data: Record<string, unknown>) => {
    await ledger.append(tenant, { kind, actor, subject: null, data: { revision: engine.revision, now, ...data } });
    report.ledgerEntries++;
  };

  // 1. Entities written without a retention rule (older writers, ER before it passes one) get their expiry now.
  for await (const page of pages((after) => store.unstampedPage(tenant, after, size), size)) {
    const decided = page.map((c) => decide(engine, c, now)).filter((d) => d.expiresAt !== null);
    if (options.dryRun) {
      report.stamped += decided.length;
      report.tombstoned += decided.filter((d) => d.expired).length;
      continue;
    }
    const stamped = await store.stamp(
      tenant,
      decided.map((d) => ({ id: d.candidate.id, expiresAt: d.expiresAt! })),
      true,
    );
    report.stamped += stamped;
    if (stamped > 0) await audit('retention.stamp', { ids: decided.map((d) => d.candidate.id) });
  }

  // 2. Expired entities: tombstone what the current policy confirms, re-stamp what it no longer considers expired.
  for await (const page of pages((after) => store.expiredPage(tenant, now, after, size), size)) {
    const decided = page.map((c) => decide(engine, c, now));
    const expired = decided.filter((d) => d.expired);
    const moved = decided.filter((d) => !d.expired && d.expiresAt !== null);
    if (options.dryRun) {
      report.tombstoned += expired.length;
      report.restamped += moved.length;
      continue;
    }
    if (moved.length > 0) {
      report.restamped += await store.stamp(
        tenant,
        moved.map((d) => ({ id: d.candidate.id, expiresAt: d.expiresAt! })),
        false,
      );
      await audit('retention.restamp', { entities: moved.map((d) => ({ id: d.candidate.id, ...d.entry })) });
    }
    if (expired.length === 0) continue;
    const done = await store.tombstone(
      tenant,
      expired.map((d) => ({ id: d.candidate.id, tier: d.tier })),
      now,
    );
    const removed = new Set(done.ids);
    report.tombstoned += done.ids.length;
    report.relationshipsRemoved += done.relationships;
    report.skippedHeld += expired.length - done.ids.length;
    if (done.ids.length > 0) {
      await audit('retention.tombstone', {
        relationships_removed: done.relationships,
        entities: expired
          .filter((d) => removed.has(d.candidate.id))
          .map((d) => ({ id: d.candidate.id, tier: d.tier, ...d.entry })),
      });
    }
  }

  report.held = await store.heldCount(tenant);
  return report;
}

/**
 * Sweeps every tenant with work (or `options.tenants`), one after another.
 * @example await sweep({ store: new Neo4jRetentionStore(driver), engine, ledger, dryRun: true })
 */
export async function sweep(options: SweepOptions): Promise<SweepReport> {
  const now = options.now ?? Date.now();
  const tenants = options.tenants ?? (await options.store.tenantsToSweep(now));
  const reports: TenantSweepReport[] = [];
  for (const tenant of tenants) reports.push(await sweepTenant(tenant, { ...options, now }));
  return { now, dryRun: options.dryRun ?? false, revision: options.engine.revision, tenants: reports };
}
