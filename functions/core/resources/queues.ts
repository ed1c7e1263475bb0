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
  },
} as const;
