import { RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type TableDefinition, type TableName, tableName, tables } from '../../../functions/core/resources/index.js';
import type { StageConfig } from '../config/stages.js';

export interface DataStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** Deterministic secret names: the edge (another region) builds grants from the name, not a cross-region reference. */
export const secretNames = (stage: string) => ({
  neo4j: `graphgate/${stage}/neo4j`,
  upstash: `graphgate/${stage}/upstash`,
  signingKeys: `graphgate/${stage}/signing-keys`,
  nlqModel: `graphgate/${stage}/nlq-model`,
});

/**
 * Data: the DynamoDB tables of `functions/core/resources` (on-demand, point-in-time recovery, TTL where defined) and the secrets
 * of the external stores. Secret values are set by ops after the first deploy (see README › Deploy).
 */
export class DataStack extends Stack {
  readonly tables: Record<TableName, TableV2>;
  readonly secrets: { neo4j: Secret; upstash: Secret; signingKeys: Secret; nlqModel?: Secret };

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const build = (def: TableDefinition) =>
      new TableV2(this, pascal(def.id), {
        tableName: tableName(stage.name, def),
        partitionKey: { name: def.partitionKey.name, type: attributeType(def.partitionKey.type) },
        sortKey: def.sortKey && { name: def.sortKey.name, type: attributeType(def.sortKey.type) },
        timeToLiveAttribute: def.ttlAttribute,
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // The ledger is evidence: never deleted with the stack, whatever the stage.
        removalPolicy: def.id === tables.auditLedger.id ? RemovalPolicy.RETAIN : removalPolicy,
        deletionProtection: stage.retainData,
      });
    this.tables = {
      idempotency: build(tables.idempotency),
      auditLedger: build(tables.auditLedger),
      stepUp: build(tables.stepUp),
      writeJournal: build(tables.writeJournal),
    };

    const names = secretNames(stage.name);
    // Values come from the providers (Neo4j Aura, Upstash) or the key runbook, so the template holds empty fields only:
    // a function started before ops set them fails its cold start naming the empty field. CloudFormation leaves a value
    // set later alone as long as this template does not change.
    const placeholder = (...fields: string[]) =>
      Object.fromEntries(fields.map((f) => [f, SecretValue.unsafePlainText('')]));
    const secret = (id: string, secretName: string, description: string, fields: string[]) =>
      new Secret(this, id, { secretName, description, secretObjectValue: placeholder(...fields), removalPolicy });
    this.secrets = {
      neo4j: secret('Neo4jSecret', names.neo4j, 'Neo4j credentials {"username","password"}', ['username', 'password']),
      upstash: secret('UpstashSecret', names.upstash, 'Upstash Redis REST endpoint {"url","token"}', ['url', 'token']),
      signingKeys: secret('SigningKeysSecret', names.signingKeys, 'Edge→origin HMAC keys {"keys":"kid:secret[,…]"}', [
        'keys',
      ]),
      // Only a stage whose NLQ model is an OpenAI-compatible endpoint has a key to keep (Bedrock uses the role).
      ...(stage.nlqModel?.provider === 'openai-compatible'
        ? {
            nlqModel: secret('NlqModelSecret', names.nlqModel, 'NLQ model endpoint API key {"apiKey"}', ['apiKey']),
          }
        : {}),
    };
    for (const secret of Object.values(this.secrets)) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Neo4j, Upstash and NLQ model credentials are issued by those providers and the HMAC keys need a two-key ' +
          'overlap; all are rotated by the runbook (runbooks/), not by a Secrets Manager rotation Lambda.',
      });
    }
  }
}

function attributeType(t: 'S' | 'N' | 'B'): AttributeType {
  return t === 'S' ? AttributeType.STRING : t === 'N' ? AttributeType.NUMBER : AttributeType.BINARY;
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}
