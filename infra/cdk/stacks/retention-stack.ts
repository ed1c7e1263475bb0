import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { GraphgateFunction } from '../constructs/graphgate-function.js';
import type { DataStack } from './data-stack.js';

export interface RetentionStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly data: DataStack;
}

/** When the sweep runs: daily, at a quiet hour (UTC). Reads hide expired data anyway; the sweep removes it. */
export const RETENTION_SCHEDULE = { hour: '3', minute: '17' } as const;

/**
 * Retention: a scheduled Lambda that tombstones expired, non-held entities in Neo4j per the retention policy (wasm
 * bundle) and appends what it did to the audit ledger. One run at a time: a sweep is idempotent, two in parallel
 * would only race each other for the same pages.
 */
export class RetentionStack extends Stack {
  readonly sweep: GraphgateFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RetentionStackProps) {
    super(scope, id, props);
    const { stage, data } = props;
    this.sweep = new GraphgateFunction(this, 'Sweep', {
      stage,
      label: 'Retention sweep',
      entry: 'functions/retention/handler.ts',
      description: 'Retention sweep: tombstone expired entities per tier, skip legal holds, audit',
      memoryMb: 512,
      // A tenant too large for one run continues on the next: every batch commits on its own.
      timeout: Duration.minutes(15),
      reservedConcurrency: 1,
      policyBundle: true,
    })
      .useTable('AUDIT_TABLE', data.tables.auditLedger, 'append')
      .useNeo4j(stage, data.secrets.neo4j);

    this.rule = new Rule(this, 'Schedule', {
      description: 'Daily retention sweep',
      schedule: Schedule.cron(RETENTION_SCHEDULE),
      targets: [new LambdaFunction(this.sweep.live, { retryAttempts: 2 })],
    });
  }
}
