/**
 * The audit ledger port: an append-only, hash-chained list of entries per tenant. Band decisions, step-up ceremonies
 * and policy decisions all append through the same `append(tenant, {kind, …})`; the verifier needs only `read`.
 */

/** What a caller appends. `data` must be JSON (it is hashed in canonical form). */
export interface LedgerEntryInput {
  /** Dotted kind, e.g. `er.band`, `stepup.verified`, `policy.deny`. */
  kind: string;
  /** Who or what caused it (subject, function name). */
  actor: string;
  /** What it is about (event id, entity id, operation id). */
  subject?: string | null;
  data: Record<string, unknown>;
  /**
   * W3C trace id (32 hex) of the request or message that caused the entry; defaults to the active span's. Absent on
   * entries written outside a trace and on every entry written before the field existed (their hashes are unchanged).
   */
  traceId?: string;
}

/** A stored entry: the input plus its place in the chain. */
export interface LedgerEntry extends LedgerEntryInput {
  tenant: string;
  /** 1, 2, 3, … per tenant, without gaps. */
  seq: number;
  /** ISO-8601 UTC time of the append. */
  at: string;
  subject: string | null;
  /** `hash` of entry seq − 1 (64 zeros for seq 1). */
  prevHash: string;
  /** sha256(prevHash + canonical JSON of every other field), hex. */
  hash: string;
}

/** An entry appended at most once per (tenant, kind, subject): the subject names what it records (an event id). */
export interface OnceEntryInput extends LedgerEntryInput {
  subject: string;
}

/** The entry of (kind, subject) and whether this call appended it (false: an earlier call had). */
export interface OnceResult {
  entry: LedgerEntry;
  appended: boolean;
}

/** Read options: from a sequence number on (inclusive), at most `limit` entries. */
export interface LedgerReadOptions {
  fromSeq?: number;
  limit?: number;
}

/** The port. Adapters: DynamoDB (deployed and the twin) and in-memory (unit tests of logic). */
export interface AuditLedger {
  /** Appends at head + 1 and returns the stored entry; concurrent appenders never fork the chain. */
  append(tenant: string, entry: LedgerEntryInput): Promise<LedgerEntry>;
  /**
   * Appends `entries` at the head in order and returns them stored: a conditional write per block of entries (as many
   * as one item holds) instead of one per entry. Concurrent appenders never fork the chain; one that takes the next
   * seq first puts its entry before the block that lost it.
   */
  appendAll(tenant: string, entries: readonly LedgerEntryInput[]): Promise<LedgerEntry[]>;
  /**
   * Appends unless the chain already holds an entry of the same kind and subject, which it returns instead: callers
   * that overlap (a receive outliving its claim and the redelivered copy) leave exactly one entry between them.
   */
  appendOnce(tenant: string, entry: OnceEntryInput): Promise<OnceResult>;
  /**
   * Appends `entries` in order right after `previous` (null: as the chain's first entries) and returns what it wrote:
   * all of them, or only the first few (possibly none) when another writer took the next seq first. Never appends
   * anywhere else: a caller that read the chain up to `previous` knows exactly what lies before each entry it writes.
   */
  appendAfter(
    tenant: string,
    previous: LedgerEntry | null,
    entries: readonly LedgerEntryInput[],
  ): Promise<LedgerEntry[]>;
  /** Entries in sequence order. */
  read(tenant: string, options?: LedgerReadOptions): AsyncIterable<LedgerEntry>;
  /** The last entry, or null for an empty ledger. */
  head(tenant: string): Promise<LedgerEntry | null>;
}
