/**
 * The one typed configuration of every stage: where it deploys, its domain, limits, budgets and alarm routes. Stacks
 * read nothing else; changing a stage is an edit here, reviewed like code.
 */
import { queues } from '../../../functions/core/resources/index.js';

export type StageName = 'dev' | 'staging' | 'prod';

/** Where alarms go. Each entry is an email address or an HTTPS endpoint (PagerDuty/Opsgenie integration URL). */
export interface AlarmRoutes {
  /** Fast burn, queue lag: wakes someone up. */
  readonly page: readonly string[];
  /** Slow burn, DLQ rate, budget forecasts: a ticket for working hours. */
  readonly ticket: readonly string[];
  /** Budget notifications and LLM spend. */
  readonly finance: readonly string[];
}

/**
 * The NLQ model tier of a stage (functions/graphql/nlq-config.ts reads what the API stack sets from it): the provider
 * and model for questions the offline grammar cannot read, its prices in USD per 1,000 tokens (from the provider's
 * price list; they turn metered tokens into `LlmSpendUsd`) and what one tenant may spend per UTC day. The key of an
 * OpenAI-compatible endpoint is never here: it lives in the stage's `graphgate/<stage>/nlq-model` secret.
 */
export type NlqModelStage = {
  readonly modelId: string;
  readonly priceInPer1k: number;
  readonly priceOutPer1k: number;
  readonly dailyCapUsd: number;
} & (
  | { readonly provider: 'bedrock'; readonly region: string }
  | { readonly provider: 'openai-compatible'; readonly baseUrl: string }
);

export interface StageConfig {
  readonly name: StageName;
  /** Account and home region of the regional stacks. The edge stack always deploys to us-east-1. */
  readonly account: string;
  readonly region: string;
  /** Custom domain of the edge; without it CloudFront's own `*.cloudfront.net` name is used. */
  readonly domain?: { readonly name: string; readonly hostedZoneId: string; readonly zoneName: string };
  /** JWT verification at the edge: the identity provider of this stage. */
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  /**
   * WebAuthn step-up on @sensitive mutations: the relying party (passkeys are bound to rpId; origins are the pages
   * allowed to run the ceremony). How strictly it is enforced per stage and tenant is policy data
   * (`config.stepup.enforcement` in policies/data.json), not stage config.
   */
  readonly stepUp: { readonly rpId: string; readonly origins: readonly string[] };
  /** Neo4j Bolt URI (not a secret; the credentials are in the Neo4j secret). */
  readonly neo4jUri: string;
  readonly api: {
    readonly memoryMb: number;
    readonly timeoutS: number;
    /** Caps concurrent origin executions so a spike cannot drain the account pool or the Neo4j connection limit. */
    readonly reservedConcurrency?: number;
    /** Warm instances on the `live` alias; costs money around the clock, so prod only. */
    readonly provisionedConcurrency?: number;
  };
  readonly edge: { readonly memoryMb: number; readonly timeoutS: number };
  readonly ingest: {
    /** Event-source maximum concurrency of the ER consumer (protects Neo4j writes); 2..1000. */
    readonly consumerMaxConcurrency: number;
    readonly batchSize: number;
    readonly maxBatchingWindowS: number;
    readonly consumerMemoryMb: number;
    /** HTTP API throttle of the intake route. */
    readonly intakeRateLimit: number;
    readonly intakeBurstLimit: number;
  };
  readonly logRetentionDays: 7 | 14 | 30 | 90 | 365;
  /** Monthly budgets in USD. */
  readonly budgets: { readonly infraUsd: number; readonly llmUsd: number };
  readonly alarmRoutes: AlarmRoutes;
  /** Keep data (tables, secrets, logs bucket) when a stack is deleted. */
  readonly retainData: boolean;
  /**
   * OTLP/HTTP base URL of the stage's trace gateway collector (infra/cdk/observability/collector.ts); every function
   * exports its spans there. Absent: functions record trace ids (ledger, exemplars) but export nothing.
   */
  readonly otlpEndpoint?: string;
  /** The NLQ model tier; absent, it is off and the offline grammar answers alone. */
  readonly nlqModel?: NlqModelStage;
}

// Placeholder account ids: synth needs no credentials, and deploying to a placeholder fails with CDK's own
// "credentials are for account X" error. dev follows the caller's account so a developer can deploy without an edit.
const PLACEHOLDER_DEV_ACCOUNT = '111111111111';

/** The stage's identity provider at `https://<host>/`: its JWKS at the well-known path, one audience everywhere. */
const identityProvider = (host: string): StageConfig['auth'] => ({
  issuer: `https://${host}/`,
  audience: 'graphgate-api',
  jwksUrl: `https://${host}/.well-known/jwks.json`,
});

/**
 * Passkeys bound to `site`, with ceremonies from the step-up page at `https://<site>` and, on a stage with its own
 * edge domain, from the review page the distribution serves at `https://<apiDomain>/review/`.
 */
const stepUpOn = (site: string, apiDomain?: string): StageConfig['stepUp'] => ({
  rpId: site,
  origins: [`https://${site}`, ...(apiDomain ? [`https://${apiDomain}`] : [])],
});

/** What every stage's edge function and ER consumer batching share; stages differ in concurrency and throttles. */
const edgeFunction: StageConfig['edge'] = { memoryMb: 128, timeoutS: 10 };
const consumerBatching = {
  batchSize: queues.intake.batchSize,
  maxBatchingWindowS: queues.intake.maxBatchingWindowS,
  consumerMemoryMb: 512,
} as const;

/**
 * Claude 3 Haiku on Bedrock in Frankfurt (the nearest EU region offering it on demand): small, fast and cheap enough
 * for translating a question into an intent. Prices are Bedrock's on-demand list prices per 1,000 tokens.
 */
const bedrockHaiku = (dailyCapUsd: number): NlqModelStage => ({
  provider: 'bedrock',
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  region: 'eu-central-1',
  priceInPer1k: 0.00025,
  priceOutPer1k: 0.00125,
  dailyCapUsd,
});

/** All stages. */
export const stages: Record<StageName, StageConfig> = {
  dev: {
    name: 'dev',
    account: process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_DEV_ACCOUNT,
    region: 'eu-west-1',
    auth: identityProvider('auth.dev.graphgate.example'),
    stepUp: stepUpOn('dev.graphgate.example'),
    otlpEndpoint: 'https://otel.dev.graphgate.example',
    neo4jUri: 'neo4j+s://dev.databases.neo4j.io',
    api: { memoryMb: 1024, timeoutS: 10 },
    edge: edgeFunction,
    ingest: {
      ...consumerBatching,
      consumerMaxConcurrency: 2,
      intakeRateLimit: 50,
      intakeBurstLimit: 100,
    },
    logRetentionDays: 7,
    budgets: { infraUsd: 1_000, llmUsd: 300 },
    alarmRoutes: { page: ['oncall-dev@graphgate.example'], ticket: [], finance: ['finance@graphgate.example'] },
    retainData: false,
    nlqModel: bedrockHaiku(5),
  },
  staging: {
    name: 'staging',
    account: '222222222222',
    region: 'eu-west-1',
    domain: { name: 'api.staging.graphgate.example', hostedZoneId: 'Z0000000STAGING', zoneName: 'graphgate.example' },
    auth: identityProvider('auth.staging.graphgate.example'),
    stepUp: stepUpOn('staging.graphgate.example', 'api.staging.graphgate.example'),
    otlpEndpoint: 'https://otel.staging.graphgate.example',
    neo4jUri: 'neo4j+s://staging.databases.neo4j.io',
    api: { memoryMb: 1024, timeoutS: 10, reservedConcurrency: 50 },
    edge: edgeFunction,
    ingest: {
      ...consumerBatching,
      consumerMaxConcurrency: 5,
      intakeRateLimit: 500,
      intakeBurstLimit: 1_000,
    },
    logRetentionDays: 30,
    budgets: { infraUsd: 3_000, llmUsd: 800 },
    alarmRoutes: {
      page: ['oncall-staging@graphgate.example'],
      ticket: ['platform-tickets@graphgate.example'],
      finance: ['finance@graphgate.example'],
    },
    retainData: true,
    nlqModel: bedrockHaiku(10),
  },
  prod: {
    name: 'prod',
    account: '333333333333',
    region: 'eu-west-1',
    domain: { name: 'api.graphgate.example', hostedZoneId: 'Z0000000000PROD', zoneName: 'graphgate.example' },
    auth: identityProvider('auth.graphgate.example'),
    stepUp: stepUpOn('graphgate.example', 'api.graphgate.example'),
    otlpEndpoint: 'https://otel.graphgate.example',
    neo4jUri: 'neo4j+s://prod.databases.neo4j.io',
    api: { memoryMb: 1024, timeoutS: 10, reservedConcurrency: 400, provisionedConcurrency: 10 },
    edge: edgeFunction,
    ingest: {
      ...consumerBatching,
      consumerMaxConcurrency: 20,
      intakeRateLimit: 2_000,
      intakeBurstLimit: 4_000,
    },
    logRetentionDays: 90,
    budgets: { infraUsd: 18_000, llmUsd: 5_000 },
    alarmRoutes: {
      page: ['https://events.pagerduty.com/integration/REPLACE_ME/enqueue'],
      ticket: ['platform-tickets@graphgate.example'],
      finance: ['finance@graphgate.example'],
    },
    retainData: true,
    // Off in prod until staging's model tier has answered real traffic through Bedrock: turn it on with
    // bedrockHaiku(<daily cap per tenant>) once it has.
  },
};

/** CloudFront certificates and Lambda@Edge functions must live here. */
export const EDGE_REGION = 'us-east-1';

/** Resolves `-c stage=<name>` (default dev); an unknown name fails with the list of valid ones. */
export function stageConfig(name: unknown = 'dev'): StageConfig {
  if (typeof name === 'string' && name in stages) return stages[name as StageName];
  throw new Error(
    `unknown stage "${String(name)}": use one of ${Object.keys(stages).join(', ')} (cdk -c stage=<name>)`,
  );
}

/** Physical-name prefix of a stage's resources, matching `functions/core/resources`. */
export const prefix = (stage: StageConfig) => `graphgate-${stage.name}`;
