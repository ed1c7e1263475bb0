/**
 * DynamoDB table definitions shared by the CDK data stack, the local twin (dynalite) and the functions that use them:
 * one source of truth for table names, keys and TTL attributes.
 */
export type KeyType = 'S' | 'N' | 'B';

export interface TableDefinition {
  /** Logical id, also the suffix of the physical name (`graphgate-<stage>-<id>`). */
  readonly id: string;
  readonly partitionKey: { name: string; type: KeyType };
  readonly sortKey?: { name: string; type: KeyType };
  /** Attribute holding an epoch-seconds expiry. dynalite does not delete expired items: readers check it. */
  readonly ttlAttribute?: string;
  readonly description: string;
}

export const tables = {
  /** Idempotency key claims (id, validation: the record's hash, expiration) and DLQ failure reasons. */
  idempotency: {
    id: 'idempotency',
    partitionKey: { name: 'id', type: 'S' },
    ttlAttribute: 'expiration',
    description: 'Idempotency key claims of the ER intake consumer, keyed by tenant and idempotency key',
  },
  /** Append-only, hash-chained audit ledger: one chain per tenant, ordered by sequence number. */
  auditLedger: {
    id: 'audit-ledger',
    partitionKey: { name: 'tenant', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    description: 'Hash-chained audit entries (band decisions, step-up ceremonies, policy decisions)',
  },
  /** WebAuthn challenges, credentials and step-up grants, each short-lived item with its own expiry. */
  stepUp: {
    id: 'stepup',
    partitionKey: { name: 'pk', type: 'S' },
    ttlAttribute: 'expiresAt',
    description: 'WebAuthn challenges, registered credentials and step-up grants',
  },
  /** Acknowledged writes (GraphQL mutations, accepted events), replayed after a graph restore (core/journal). */
  writeJournal: {
    id: 'write-journal',
    partitionKey: { name: 'tenant', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
    description: 'Journal of acknowledged writes since the last graph backup, for replay after a restore',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof tables;

/** Physical table name for a stage (`local` for the twin). */
export function tableName(stage: string, table: TableDefinition): string {
  return `graphgate-${stage}-${table.id}`;
}
