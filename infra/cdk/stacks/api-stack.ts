import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type Alias, type FunctionUrl, FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import type { CanaryDeployment } from '../constructs/canary.js';
import { GraphgateFunction } from '../constructs/graphgate-function.js';
import { sloById, slos } from '../slo/slos.js';
import type { DataStack } from './data-stack.js';

export interface ApiStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly data: DataStack;
}

/**
 * API: the GraphQL origin (graphql-yoga on Lambda) behind a function URL on its `live` alias. CloudFront is the only
 * intended caller; the URL is public at the network level because the origin refuses any request without a valid edge
 * HMAC signature (DESIGN › internal request signature), which also keeps POST bodies free of SigV4 payload hashing.
 *
 * Both function URLs sit on the functions' `live` aliases, so a new version takes traffic only through its canary:
 * the origin's rolls back on every API SLO (availability, p95, p99) read from the alias's own URL metrics, the step-up's
 * on the API availability objective read the same way (it has no SLO of its own and serves the same clients).
 */
export class ApiStack extends Stack {
  readonly graphql: GraphgateFunction;
  readonly alias: Alias;
  /** CodeDeploy canary (10% for 5 minutes) of the origin's `live` alias, rolled back by the SLO alarms. */
  readonly canary: CanaryDeployment;
  /** The step-up service (its routes verify the caller's JWT themselves). */
  readonly stepUp: GraphgateFunction;
  /** The origin's function URL (CloudFront origin). */
  readonly url: FunctionUrl;
  /** The step-up function's URL (CloudFront routes `/stepup/*` to it, beside the review page). */
  readonly stepUpUrl: FunctionUrl;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage, data } = props;
    this.graphql = new GraphgateFunction(this, 'Graphql', {
      stage,
      label: 'GraphQL origin',
      entry: 'functions/graphql/handler.ts',
      description: 'GraphQL origin: persisted operations, policy, response cache, Neo4j',
      memoryMb: stage.api.memoryMb,
      timeout: Duration.seconds(stage.api.timeoutS),
      reservedConcurrency: stage.api.reservedConcurrency,
      // Provisioned concurrency lives on the alias; the URL targets the alias, so turning it on is not a URL change.
      provisionedConcurrency: stage.api.provisionedConcurrency,
      policyBundle: true,
    })
      .useNeo4j(stage, data.secrets.neo4j)
      .useUpstash(data.secrets.upstash)
      .useSecret('SIGNING_KEYS', data.secrets.signingKeys, 'keys')
      // Step-up: the origin only reads grants; every sensitive call (and export decision) appends to the ledger.
      .useTable('STEPUP_TABLE', data.tables.stepUp, 'read')
      .useTable('AUDIT_TABLE', data.tables.auditLedger, 'append')
      // Every acknowledged mutation, for replay after a graph restore (runbooks/neo4j-failover.md).
      .useTable('JOURNAL_TABLE', data.tables.writeJournal, 'journal')
      // NLQ questions the offline grammar cannot read go to the stage's model, if it has one (off otherwise).
      .useNlqModel(stage.nlqModel, data.secrets.nlqModel);

    this.stepUp = new GraphgateFunction(this, 'StepUp', {
      stage,
      label: 'Step-up service',
      entry: 'functions/stepup/handler.ts',
      description: 'WebAuthn step-up: passkey registration, step-up ceremonies, short-lived session-bound grants',
      memoryMb: 256,
    })
      .addEnv('STEPUP_RP_ID', stage.stepUp.rpId)
      .addEnv('STEPUP_ORIGINS', stage.stepUp.origins.join(','))
      .useJwtIssuer(stage)
      .useTable('STEPUP_TABLE', data.tables.stepUp, 'readWrite')
      .useTable('AUDIT_TABLE', data.tables.auditLedger, 'append');
    const stepUpUrl = this.stepUp.live.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.stepUpUrl = stepUpUrl;
    new CfnOutput(this, 'StepUpUrl', { value: stepUpUrl.url, description: 'Function URL of the step-up service' });
    this.stepUp.canary.rollbackOnSlo(sloById('api-availability'));

    this.alias = this.graphql.live;
    this.canary = this.graphql.canary;
    for (const slo of slos.filter((s) => s.cloudwatch.source === 'origin')) this.canary.rollbackOnSlo(slo);
    const url = this.alias.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    this.url = url;
    new CfnOutput(this, 'OriginUrl', { value: url.url, description: 'Function URL of the GraphQL origin' });
  }
}
