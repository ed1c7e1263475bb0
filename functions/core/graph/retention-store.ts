/**
 * The retention port and its Neo4j adapter: what the retention sweep (functions/core/retention) needs from the graph.
 * Each call is one short transaction, so a sweep of a large tenant commits batch by batch and can stop anywhere.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import {
  expiredPageCypher,
  heldCountCypher,
  holdSubjectCypher,
  restampExpiryCypher,
  setLegalHoldCypher,
  stampExpiryCypher,
  tenantsToSweepCypher,
  tombstoneCypher,
  unstampedPageCypher,
} from './cypher/retention.js';
import { NotFoundError } from './errors.js';
import { epochMs, int, toNumber } from './model.js';
import type { DataClass, ExpiryRule } from './types.js';
import { idSchema, parseInput, parseTenant } from './validation.js';

/** An entity the sweep looks at: enough to ask the retention policy about it. */
export interface RetentionCandidate {
  id: string;
  dataClass: DataClass;
  createdAtMs: number;
}

/** The port the sweep uses; `now` is epoch ms. */
export interface RetentionStore {
  /** Tenants with expired or unstamped entities. */
  tenantsToSweep(now: number): Promise<string[]>;
  /** Expired, not held, not tombstoned entities with id > `after`, in id order. */
  expiredPage(tenant: string, now: number, after: string, limit: number): Promise<RetentionCandidate[]>;
  /** Entities without an expiry (not held, not tombstoned) with id > `after`, in id order. */
  unstampedPage(tenant: string, after: string, limit: number): Promise<RetentionCandidate[]>;
  /** Tombstones the rows that are still expired and not held; returns those ids and the relationships removed. */
  tombstone(
    tenant: string,
    rows: { id: string; tier: string }[],
    now: number,
  ): Promise<{ ids: string[]; relationships: number }>;
  /** Stamps (`onlyUnstamped`) or re-stamps expiries; returns how many entities changed. */
  stamp(tenant: string, rows: { id: string; expiresAt: number }[], onlyUnstamped: boolean): Promise<number>;
  /** Held, not tombstoned entities. */
  heldCount(tenant: string): Promise<number>;
  /** Places (`held`) or releases a legal hold; the expiry follows from `expiry`. NOT_FOUND when absent/tombstoned. */
  setLegalHold(tenant: string, id: string, held: boolean, expiry: ExpiryRule, now?: number): Promise<void>;
}

const candidate = (r: { get(key: string): unknown }): RetentionCandidate => ({
  id: String(r.get('id')),
  dataClass: r.get('dataClass') as DataClass,
  createdAtMs: toNumber(r.get('createdAt')),
});

/** {@link RetentionStore} over Neo4j (writes go to the leader, reads of the sweep too: it acts on what it reads). */
export class Neo4jRetentionStore implements RetentionStore {
  constructor(
    private readonly driver: Driver,
    private readonly options: { database?: string } = {},
  ) {}

  private async run<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.WRITE, database: this.options.database });
    try {
      return await session.executeWrite(work, { timeout: 60_000, metadata: { template: 'retention' } });
    } finally {
      await session.close();
    }
  }

  async tenantsToSweep(now: number): Promise<string[]> {
    const result = await this.run((tx) => tx.run(tenantsToSweepCypher.cypher, { now: epochMs(now) }));
    return result.records.map((r) => String(r.get('tenant')));
  }

  async expiredPage(tenant: string, now: number, after: string, limit: number): Promise<RetentionCandidate[]> {
    const params = { tenant: parseTenant(tenant), now: epochMs(now), after, limit: int(limit) };
    return (await this.run((tx) => tx.run(expiredPageCypher.cypher, params))).records.map(candidate);
  }

  async unstampedPage(tenant: string, after: string, limit: number): Promise<RetentionCandidate[]> {
    const params = { tenant: parseTenant(tenant), after, limit: int(limit) };
    return (await this.run((tx) => tx.run(unstampedPageCypher.cypher, params))).records.map(candidate);
  }

  async tombstone(tenant: string, rows: { id: string; tier: string }[], now: number) {
    const params = { tenant: parseTenant(tenant), rows, now: epochMs(now) };
    const result = await this.run((tx) => tx.run(tombstoneCypher.cypher, params));
    return {
      ids: result.records.map((r) => String(r.get('id'))),
      relationships: result.records.reduce((n, r) => n + toNumber(r.get('rels')), 0),
    };
  }

  async stamp(tenant: string, rows: { id: string; expiresAt: number }[], onlyUnstamped: boolean): Promise<number> {
    const params = {
      tenant: parseTenant(tenant),
      rows: rows.map((r) => ({ id: r.id, expiresAt: epochMs(r.expiresAt) })),
    };
    const result = await this.run((tx) =>
      tx.run((onlyUnstamped ? stampExpiryCypher : restampExpiryCypher).cypher, params),
    );
    return toNumber(result.records[0]?.get(onlyUnstamped ? 'stamped' : 'restamped') ?? 0);
  }

  async heldCount(tenant: string): Promise<number> {
    const result = await this.run((tx) => tx.run(heldCountCypher.cypher, { tenant: parseTenant(tenant) }));
    return toNumber(result.records[0]?.get('held') ?? 0);
  }

  async setLegalHold(tenant: string, id: string, held: boolean, expiry: ExpiryRule, now = Date.now()) {
    const t = parseTenant(tenant);
    const entityId = parseInput(idSchema, id, 'id');
    await this.run(async (tx) => {
      const subject = (await tx.run(holdSubjectCypher.cypher, { tenant: t, id: entityId })).records[0];
      if (!subject) throw new NotFoundError('entity', entityId);
      const { dataClass, createdAtMs } = candidate({ get: (k) => (k === 'id' ? entityId : subject.get(k)) });
      const expiresAt = expiry({ dataClass, createdAtMs, legalHold: held });
      await tx.run(setLegalHoldCypher.cypher, {
        tenant: t,
        id: entityId,
        held,
        expiresAt: expiresAt === null ? null : epochMs(expiresAt),
        now: epochMs(now),
      });
    });
  }
}
