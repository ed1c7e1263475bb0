/**
 * SQS queue definitions shared by the CDK ingest stack, the local twin (ElasticMQ) and the functions that send to
 * them: names, redrive and visibility.
 */
export const queues = {
  intake: {
    name: (stage: string) => `graphgate-${stage}-intake`,
    dlqName: (stage: string) => `graphgate-${stage}-intake-dlq`,
    /** Receives before a message moves to the DLQ. */
    maxReceiveCount: 3,
    /**
     * The ER consumer's timeout: the time one invocation has for its batch (the local worker gives a batch the same).
     * A timed-out invocation reports no partial result, so its whole batch comes back; 10 s leaves a 50-event batch
     * several times what it takes under load.
     */
    consumerTimeoutS: 10,
    /** Lambda's event-source guidance: 6× the consumer's timeout plus the batching window, so retries stay single. */
    visibilityTimeoutS: 65,
    /** How long the DLQ keeps a message (14 days, the SQS maximum) so replay has time. */
    dlqRetentionS: 14 * 24 * 3600,
    /**
     * Messages the ER consumer is handed at once (the event source's batch; more than SQS's 10 per receive, so the
     * source gathers for up to `maxBatchingWindowS`). The consumer works on all of them at once, so the events that
     * reach the graph write while two effect transactions run leave together in the next, up to this many
     * (core/er/group-commit.ts). A commit costs far more than an event (full-text index refresh, Bolt round trips):
     * on the graph effect alone, groups of 40 cost 23% less Neo4j CPU per event than groups of 10 and groups of 100
     * no less than 40 (2026-12-06, 3,000 events over 8 tenants; `npm run bench:ingest` shows the end-to-end effect).
     */
    batchSize: 50,
    maxBatchingWindowS: 1,
  },
} as const;
