/**
 * The writes of a group's transaction that nothing in the group reads back at once, sent without waiting for their
 * answers: the driver sends a transaction's statements in order and Neo4j runs them in that order, so a statement
 * sent later sees them. Entity upserts are held and sent as one statement per tenant when something reads that
 * tenant's graph (a merge, a re-read of a changed candidate) or the group ends: one statement and one answer per
 * tenant where every event cost one round trip of its own. That order is the driver's: each run of a transaction goes
 * through the same chain of promises to the connection, so runs reach Neo4j in call order (graph.int.test.ts holds a
 * read sent after an unawaited write to seeing it).
 */
import type { ManagedTransaction } from 'neo4j-driver';
import { EntityUpserts, type WriteOptions } from '../graph/entity-writes.js';
import type { EntityCore } from '../graph/model.js';
import type { EntityInput } from '../graph/types.js';

export class GroupWrites {
  private readonly upserts = new Map<string, EntityUpserts>();
  private readonly sent: Promise<unknown>[] = [];
  /** The first failure of a statement sent unanswered: the transaction's real cause, whatever fails after it. */
  firstError: unknown;

  constructor(private readonly tx: ManagedTransaction) {}

  /** Holds an entity write (see {@link EntityUpserts.add}); returns the entity as it will be stored, when known. */
  upsert(
    tenant: string,
    input: EntityInput & { id: string },
    options: Omit<WriteOptions, 'expiry'>,
  ): EntityCore | null {
    let held = this.upserts.get(tenant);
    if (!held) {
      held = new EntityUpserts(tenant);
      this.upserts.set(tenant, held);
    }
    return held.add(input, options);
  }

  /** Sends a statement whose answer nobody needs now; its failure surfaces at the next {@link flush}. */
  run(cypher: string, parameters: Record<string, unknown>): void {
    this.track(this.tx.run(cypher, parameters).then(() => undefined));
  }

  /**
   * Sends the held upserts (of `tenant` only, when given: a read or merge in one tenant needs no other tenant's
   * writes, and those stay held to join the tenant's one statement) and waits for every statement sent so far;
   * throws the first failure.
   */
  async flush(tenant?: string): Promise<void> {
    this.sendUpserts(tenant);
    const sent = this.sent.splice(0);
    await Promise.all(sent);
  }

  /** Sends the held upserts (of `tenant` only, when given) without waiting: statements sent later see them. */
  sendUpserts(tenant?: string): void {
    for (const [t, held] of this.upserts) {
      if ((tenant === undefined || t === tenant) && held.size > 0) this.track(held.send(this.tx));
    }
  }

  private track(p: Promise<unknown>): void {
    // Handled here so a failure waiting for the next flush is never an unhandled rejection; flush still throws it.
    p.catch((error: unknown) => {
      this.firstError ??= error;
    });
    this.sent.push(p);
  }
}
