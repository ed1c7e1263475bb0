/**
 * The write journal: a record of every write the platform acknowledged (GraphQL mutations, accepted intake events),
 * kept outside the graph, so that after the graph is restored from a backup the writes accepted since can be applied
 * again (runbooks/neo4j-failover.md). An entry is appended after the write succeeded and before the caller is told so:
 * every acknowledged write has an entry; an entry whose caller saw an error is harmless, because replay is idempotent
 * (upserts and links by id, events exactly once by event id).
 */

/**
 * The GraphQL writes journaled, each with the input that replays it: upsert and link inputs as given; a merge with
 * its mergeId (so a replayed merge keeps it and a later unmerge finds it), an unmerge by mergeId, a reclassify as
 * `{ id, dataClass }`.
 */
export type JournaledOperation = 'upsertEntity' | 'linkEntities' | 'mergeEntity' | 'unmergeEntity' | 'reclassifyEntity';

/** What a writer journals. */
export type JournalPayload =
  | { kind: 'graphql'; operation: JournaledOperation; input: Record<string, unknown> }
  | { kind: 'event'; envelope: Record<string, unknown> };

export interface JournalEntry {
  tenant: string;
  /** Epoch ms of the append; replay reads entries from a backup's start on. */
  at: number;
  /** Unique within the tenant and ms (a random suffix), so concurrent appends never collide. */
  id: string;
  payload: JournalPayload;
}

/** The port. Adapter: DynamoDB (deployed and the twin). */
export interface WriteJournal {
  append(tenant: string, payloads: readonly JournalPayload[]): Promise<void>;
  /** A tenant's entries with `at >= sinceMs`, oldest first. */
  read(tenant: string, sinceMs: number): AsyncIterable<JournalEntry>;
}
