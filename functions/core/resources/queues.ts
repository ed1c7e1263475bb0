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
    /** Must exceed the consumer's timeout (AWS recommends 6× the Lambda timeout for event sources). */
    visibilityTimeoutS: 30,
    /** How long the DLQ keeps a message (14 days, the SQS maximum) so replay has time. */
    dlqRetentionS: 14 * 24 * 3600,
    /**
     * Messages the ER consumer is handed at once (the event source's batch; more than SQS's 10 per receive, so the
     * source gathers for up to `maxBatchingWindowS`). The consumer works on all of them at once and writes them to
     * Neo4j in one transaction per tenant group: a commit costs far more than an event (full-text index refresh,
     * Bolt round trips), and a 50-event group costs about a quarter less Neo4j CPU per event than a 10-event one
     * (measured on the graph effect alone; a 100-event group gains nothing more).
     */
    batchSize: 50,
    maxBatchingWindowS: 1,
  },
} as const;
