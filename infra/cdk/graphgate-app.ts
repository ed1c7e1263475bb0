import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, type Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EDGE_REGION, prefix, type StageConfig } from './config/stages.js';
import { repoRoot } from './constructs/bundling.js';
import { releaseGate } from './release-gate.js';
import { ApiStack } from './stacks/api-stack.js';
import { BackupStack } from './stacks/backup-stack.js';
import { BudgetsStack, costTags } from './stacks/budgets-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { IngestStack, type IngestStackProps } from './stacks/ingest-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { RetentionStack } from './stacks/retention-stack.js';

/** The stacks of one stage, in deploy order. */
export interface GraphgateStacks {
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
  readonly ingest: IngestStack;
  readonly observability: ObservabilityStack;
  readonly budgets: BudgetsStack;
  readonly retention: RetentionStack;
  readonly backup: BackupStack;
}

/** An App with cdk.json's context (feature flags), so tests synthesize exactly what `cdk synth` does. */
export function createApp(props: AppProps = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return new App({ ...props, context: { ...cdkJson.context, ...props.context } });
}

/**
 * Adds one stage of graphgate to `app`: one stack per area of the design diagram, named `graphgate-<stage>-<area>`,
 * tagged for cost allocation, with cdk-nag (AwsSolutions) checking every synth.
 */
export function addGraphgateStage(
  app: App,
  stage: StageConfig,
  options: { ingestEntries?: IngestStackProps['entries'] } = {},
): GraphgateStacks {
  // The deploy gate runs before any stack exists: refused bundles stop synth here, verified ones supply the code.
  releaseGate(app, stage.name);
  const home = { account: stage.account, region: stage.region };
  const edgeEnv = { account: stage.account, region: EDGE_REGION };
  const name = (area: string) => `${prefix(stage)}-${area}`;
  // The us-east-1 edge stack reads the origin URL from the home region and observability reads the distribution id
  // back (SSM-backed cross-region references); same-region stages do not need them.
  const crossRegionReferences = stage.region !== EDGE_REGION;

  const data = new DataStack(app, name('data'), { env: home, stage, description: 'graphgate data: tables, secrets' });
  const api = new ApiStack(app, name('api'), {
    env: home,
    stage,
    data,
    crossRegionReferences,
    description: 'graphgate api: GraphQL origin Lambda + function URL',
  });
  const edge = new EdgeStack(app, name('edge'), {
    env: edgeEnv,
    stage,
    originUrl: api.url,
    stepUpUrl: api.stepUpUrl,
    crossRegionReferences,
    description: 'graphgate edge (us-east-1): CloudFront + Hono on Lambda@Edge',
  });
  const ingest = new IngestStack(app, name('ingest'), {
    env: home,
    stage,
    data,
    entries: options.ingestEntries,
    description: 'graphgate ingest: intake API, SQS + DLQ, ER consumer, replay',
  });
  // Lambda@Edge has no weighted alias: its new version is promoted only after the regional canaries passed.
  // CloudFormation waits for each CodeDeploy canary of the api and ingest stacks and fails them on a rollback, so with
  // these dependencies `cdk deploy` never reaches the edge stack (and CloudFront never sees the new edge version)
  // unless every request-path canary of the release succeeded.
  for (const canaried of [api, ingest])
    edge.addStackDependency(canaried, 'the edge is promoted only after this canary');
  const observability = new ObservabilityStack(app, name('observability'), {
    env: home,
    stage,
    data,
    api,
    edge,
    ingest,
    crossRegionReferences,
    description: 'graphgate observability: alarm topics, SLO burn-rate alarms, dashboards',
  });
  const budgets = new BudgetsStack(app, name('budgets'), {
    env: home,
    stage,
    finance: observability.alarmTopics.topics.finance,
    ticket: observability.alarmTopics.topics.ticket,
    description: 'graphgate budgets: infra and LLM cost budgets, LLM spend alarm',
  });

  const retention = new RetentionStack(app, name('retention'), {
    env: home,
    stage,
    data,
    description: 'graphgate retention: scheduled sweep of expired graph data',
  });

  const backup = new BackupStack(app, name('backup'), {
    env: home,
    stage,
    data,
    alarmTopic: observability.alarmTopics.topics.ticket,
    description: 'graphgate backup: scheduled logical backup of the graph to S3, with alarms',
  });

  const stacks: Stack[] = [data, api, edge, ingest, observability, budgets, retention, backup];
  for (const stack of stacks) {
    Tags.of(stack).add('App', 'graphgate');
    Tags.of(stack).add('Stage', stage.name);
    Tags.of(stack).add(costTags.key, costTags.infra);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, api, edge, ingest, observability, budgets, retention, backup };
}
