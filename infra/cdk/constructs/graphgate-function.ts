import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import type { LambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  type Alias,
  Architecture,
  Code,
  Function as LambdaFunction,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { NlqModelStage, StageConfig } from '../config/stages.js';
import { releasedFunctionCode } from '../release-gate.js';
import { assertPolicyBundleBuilt, nodejsBundling, policyBundle, repoRoot } from './bundling.js';
import { CanaryDeployment } from './canary.js';
import { acknowledgeLambdaDefaults } from './nag.js';

/** How a function uses a table; each maps to the smallest action set that use needs. */
export type TableAccess = 'read' | 'append' | 'journal' | 'idempotency' | 'readWrite';

const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
  // Hash-chained ledger: read the chain head, append with a conditional put; never update or delete.
  append: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  // Write journal (core/journal): writers only add entries; the DR replay, run by an operator, reads them.
  journal: ['dynamodb:PutItem'],
  // What the one-write key claim (core/idempotency/events.ts) and the failure store call, plus UpdateItem and
  // DeleteItem for one more release: the previous consumer version (Powertools: put, then update or delete) runs
  // beside this one under the same role during the canary, and again after a rollback. Drop them in the next release.
  idempotency: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/** Suffix of an env var that holds a secret reference (`arn[#jsonField]`); see functions/core/config/secrets.ts. */
export const SECRET_ENV_SUFFIX = '_SECRET_REF';

/** The alias every caller invokes (URL, API route, queue, schedule, operator); versions reach it only by canary. */
export const LIVE_ALIAS = 'live';

export interface GraphgateFunctionProps {
  readonly stage: StageConfig;
  /** What alarms call the function, e.g. `GraphQL origin`. */
  readonly label: string;
  /** Entry file relative to the repository root, e.g. `functions/graphql/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 10 s */
  readonly timeout?: Duration;
  readonly reservedConcurrency?: number;
  /** Size of /tmp (a backup streams its file there before upload). @default 512 MB (Lambda's default) */
  readonly ephemeralStorageMb?: number;
  /** Copy the OPA wasm bundle into the package and set POLICY_BUNDLE_DIR. @default false */
  readonly policyBundle?: boolean;
  /** Provisioned concurrency of the `live` alias. @default none */
  readonly provisionedConcurrency?: number;
  /** How CodeDeploy moves the `live` alias to a new version. @default 10% for 5 minutes, then all */
  readonly deployment?: LambdaDeploymentConfig;
}

/**
 * The one way graphgate builds a regional Lambda. Defaults: Node 22 on ARM64 (cheaper per GB-s), X-Ray active tracing,
 * its own log group with the stage's retention, ESM bundle with source maps built by the local esbuild (synth never needs
 * Docker), the AWS Parameters and Secrets extension for secret env vars, and `GRAPHGATE_STAGE` set.
 *
 * Callers invoke the `live` alias, never the function itself: every new version reaches it through a CodeDeploy
 * canary (`canary`) that rolls back on `Errors` of the alias; each stack adds the function's SLO alarms to it.
 *
 * Every env var goes through `addEnv` (or its typed helpers), which grants the IAM the variable implies in the same
 * call — a function can only reach what its configuration names.
 *
 * @example
 * new GraphgateFunction(this, 'Consumer', { stage, label: 'ER consumer', entry: 'functions/er-intake/handler.ts', description: 'ER' })
 *   .useTable('IDEMPOTENCY_TABLE', idempotency, 'idempotency')
 *   .useNeo4j(stage, neo4jSecret);
 */
export class GraphgateFunction extends Construct {
  readonly fn: LambdaFunction;
  /** The alias callers invoke (`live`). */
  readonly live: Alias;
  /** CodeDeploy canary of `live`, with its rollback alarms. */
  readonly canary: CanaryDeployment;
  readonly logGroup: LogGroup;
  readonly memoryMb: number;
  /** Entry file relative to the repository root (what the release builds this function from). */
  readonly entry: string;
  /** Whether the OPA wasm bundle is packaged with the function (the release must package it too). */
  readonly policyBundle: boolean;

  constructor(scope: Construct, id: string, props: GraphgateFunctionProps) {
    super(scope, id);
    const entry = resolve(repoRoot, props.entry);
    if (!existsSync(entry)) throw new Error(`${id}: function entry ${props.entry} does not exist`);
    this.memoryMb = props.memoryMb ?? 512;
    this.entry = props.entry;
    this.policyBundle = props.policyBundle ?? false;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.stage.logRetentionDays as RetentionDays,
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const common = {
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: this.memoryMb,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      ephemeralStorageSize: props.ephemeralStorageMb ? Size.mebibytes(props.ephemeralStorageMb) : undefined,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      // Secrets are fetched through the extension's local cache (no SDK in the bundle, one call per cold start).
      paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
        cacheSize: 10,
        logLevel: ParamsAndSecretsLogLevel.WARN,
      }),
    };
    // Deploying a verified release (infra/cdk/release-gate.ts): the signed artefact, never a synth-time bundle.
    const released = releasedFunctionCode(this, props.entry);
    if (!released && props.policyBundle) assertPolicyBundleBuilt();
    this.fn = released
      ? new LambdaFunction(this, 'Fn', { ...common, code: Code.fromAsset(released), handler: 'index.handler' })
      : new NodejsFunction(this, 'Fn', {
          ...common,
          entry,
          handler: 'handler',
          projectRoot: repoRoot,
          depsLockFilePath: join(repoRoot, 'package-lock.json'),
          bundling: nodejsBundling(props.policyBundle ?? false),
        });
    acknowledgeLambdaDefaults(this.fn);
    this.addEnv('GRAPHGATE_STAGE', props.stage.name);
    // Stack traces in logs point at the TypeScript sources.
    this.addEnv('NODE_OPTIONS', '--enable-source-maps');
    if (props.policyBundle) this.addEnv('POLICY_BUNDLE_DIR', `/var/task/${policyBundle.packageDir}`);
    // The bundled OpenTelemetry SDK (functions/core/telemetry) exports to the stage's gateway collector.
    if (props.stage.otlpEndpoint) this.addEnv('OTEL_EXPORTER_OTLP_ENDPOINT', props.stage.otlpEndpoint);
    // The version is published from the function's final configuration (CDK hashes it at synth, after every addEnv).
    this.live = this.fn.addAlias(LIVE_ALIAS, { provisionedConcurrentExecutions: props.provisionedConcurrency });
    this.canary = new CanaryDeployment(this, 'Canary', {
      alias: this.live,
      label: props.label,
      config: props.deployment,
    });
  }

  /** Sets `name=value` and, if given, grants what that value lets the function reach. */
  addEnv(name: string, value: string, grant?: (grantee: IGrantable) => unknown): this {
    this.fn.addEnvironment(name, value);
    grant?.(this.fn);
    return this;
  }

  /** Table name in `name`, with exactly the actions `access` needs on that table. */
  useTable(name: string, table: ITable, access: TableAccess): this {
    return this.addEnv(name, table.tableName, (g) => table.grant(g, ...TABLE_ACTIONS[access]));
  }

  /** Queue URL in `name`, with send permission. */
  useQueueForSend(name: string, queue: IQueue): this {
    return this.addEnv(name, queue.queueUrl, (g) => queue.grantSendMessages(g));
  }

  /**
   * `<name>_SECRET_REF=<arn>[#<jsonField>]` plus read on that secret; the function resolves it to `<name>` at cold start.
   */
  useSecret(name: string, secret: ISecret, jsonField?: string): this {
    const ref = jsonField ? `${secret.secretArn}#${jsonField}` : secret.secretArn;
    return this.addEnv(`${name}${SECRET_ENV_SUFFIX}`, ref, (g) => secret.grantRead(g));
  }

  /** Neo4j connection (core/config `neo4jEnvShape`): the stage's Bolt URI, credentials from the Neo4j secret. */
  useNeo4j(stage: StageConfig, secret: ISecret): this {
    return this.addEnv('NEO4J_URI', stage.neo4jUri)
      .useSecret('NEO4J_USER', secret, 'username')
      .useSecret('NEO4J_PASSWORD', secret, 'password');
  }

  /** Upstash REST URL and token, both from the Upstash secret. */
  useUpstash(secret: ISecret): this {
    return this.useSecret('UPSTASH_URL', secret, 'url').useSecret('UPSTASH_TOKEN', secret, 'token');
  }

  /**
   * The NLQ model tier (functions/graphql/nlq-config.ts): `NLQ_MODEL_PROVIDER=off` without one; else the provider,
   * model, prices and a tenant's daily cap, and what the provider needs — for Bedrock its region and
   * `bedrock:InvokeModel` on that one foundation model (the Converse API's permission), for an OpenAI-compatible
   * endpoint its URL and the API key from `apiKeySecret` (field `apiKey`).
   */
  useNlqModel(model: NlqModelStage | undefined, apiKeySecret?: ISecret): this {
    if (!model) return this.addEnv('NLQ_MODEL_PROVIDER', 'off');
    this.addEnv('NLQ_MODEL_PROVIDER', model.provider)
      .addEnv('NLQ_MODEL_ID', model.modelId)
      .addEnv('NLQ_MODEL_PRICE_IN_PER_1K', String(model.priceInPer1k))
      .addEnv('NLQ_MODEL_PRICE_OUT_PER_1K', String(model.priceOutPer1k))
      .addEnv('NLQ_LLM_DAILY_CAP_USD', String(model.dailyCapUsd));
    if (model.provider === 'bedrock') {
      const arn = `arn:${Stack.of(this).partition}:bedrock:${model.region}::foundation-model/${model.modelId}`;
      return this.addEnv('NLQ_MODEL_REGION', model.region, (g) =>
        g.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [arn] }),
        ),
      );
    }
    if (!apiKeySecret) throw new Error(`${this.node.id}: an OpenAI-compatible NLQ model needs its API key secret`);
    return this.addEnv('NLQ_MODEL_BASE_URL', model.baseUrl).useSecret('NLQ_MODEL_API_KEY', apiKeySecret, 'apiKey');
  }

  /** JWT trust (core/auth `jwtEnvShape`): the stage's identity provider. */
  useJwtIssuer(stage: StageConfig): this {
    return this.addEnv('JWT_ISSUER', stage.auth.issuer)
      .addEnv('JWT_AUDIENCE', stage.auth.audience)
      .addEnv('JWT_JWKS_URL', stage.auth.jwksUrl);
  }
}
