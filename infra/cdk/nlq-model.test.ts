import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNlqModelConfig } from '../../functions/graphql/nlq-config.js';
import { stages } from './config/stages.js';
import {
  actionsOf,
  type Statement,
  type SynthesizedStage,
  statementsOfRole,
  synthStage,
} from './test-support/synth.js';

/**
 * The NLQ model tier's wiring, asserted on synthesized templates (no bundling: only the templates matter here): the
 * origin's variables are what its config loader reads, Bedrock access is `bedrock:InvokeModel` on the stage's one
 * model and nothing else, an OpenAI-compatible key comes from Secrets Manager, and a stage without a model has none.
 */
type Env = Record<string, unknown>;

/** The environment variables of the function whose logical id starts with `prefix`. */
function envOf(template: Template, prefix: string): Env {
  const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(prefix));
  expect(fns).toHaveLength(1);
  return (fns[0]![1].Properties.Environment?.Variables ?? {}) as Env;
}

/** Every IAM statement of every role of a template. */
function allStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement as Statement[],
  );
}

const bedrockStatements = (template: Template) =>
  allStatements(template).filter((s) => actionsOf([s]).some((a) => a.startsWith('bedrock:')));

/** The plain (string) variables, as the origin would see them before secrets are resolved. */
const plain = (env: Env) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

describe('NLQ model tier wiring (CDK)', () => {
  let dev: SynthesizedStage;
  let prod: SynthesizedStage;
  let openai: SynthesizedStage;
  const openaiStage = {
    ...stages.staging,
    nlqModel: {
      provider: 'openai-compatible',
      modelId: 'gpt-4o-mini',
      baseUrl: 'https://llm.internal.graphgate.example/v1',
      priceInPer1k: 0.00015,
      priceOutPer1k: 0.0006,
      dailyCapUsd: 8,
    },
  } as const;
  beforeAll(() => {
    dev = synthStage('dev', { bundle: false });
    prod = synthStage('prod', { bundle: false });
    openai = synthStage(openaiStage, { bundle: false });
  }, 180_000);

  it('sets the Bedrock model variables on the origin, and they load as the stage configured them', () => {
    const model = stages.dev.nlqModel!;
    const env = envOf(dev.templates.api, 'GraphqlFn');
    expect(env).toMatchObject({
      NLQ_MODEL_PROVIDER: 'bedrock',
      NLQ_MODEL_ID: model.modelId,
      NLQ_MODEL_REGION: model.provider === 'bedrock' ? model.region : '',
      NLQ_LLM_DAILY_CAP_USD: String(model.dailyCapUsd),
    });
    expect(loadNlqModelConfig(plain(env))).toMatchObject({
      provider: 'bedrock',
      modelId: model.modelId,
      price: { inputPer1k: model.priceInPer1k, outputPer1k: model.priceOutPer1k },
      dailyCapUsd: model.dailyCapUsd,
    });
  });

  it('grants bedrock:InvokeModel on exactly the configured model, to the origin only', () => {
    const model = stages.dev.nlqModel!;
    const region = model.provider === 'bedrock' ? model.region : '';
    const origin = statementsOfRole(dev.templates.api, 'GraphqlFnServiceRole').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('bedrock:')),
    );
    expect(origin).toHaveLength(1);
    expect(actionsOf(origin)).toEqual(['bedrock:InvokeModel']);
    expect(origin[0]!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${region}::foundation-model/${model.modelId}`]],
    });
    for (const [area, template] of Object.entries(dev.templates))
      expect(bedrockStatements(template).length, area).toBe(area === 'api' ? 1 : 0);
  });

  it('leaves the model off where the stage has none: no variables beyond off, no Bedrock access, no key secret', () => {
    expect(stages.prod.nlqModel).toBeUndefined();
    const env = envOf(prod.templates.api, 'GraphqlFn');
    expect(env.NLQ_MODEL_PROVIDER).toBe('off');
    expect(Object.keys(env).filter((k) => k.startsWith('NLQ_'))).toEqual(['NLQ_MODEL_PROVIDER']);
    expect(loadNlqModelConfig(plain(env))).toEqual({ provider: 'off' });
    for (const template of Object.values(prod.templates)) expect(bedrockStatements(template)).toEqual([]);
    prod.templates.data.resourcePropertiesCountIs(
      'AWS::SecretsManager::Secret',
      { Name: 'graphgate/prod/nlq-model' },
      0,
    );
  });

  it('reads an OpenAI-compatible key from its own secret (read grant included), never from the template', () => {
    openai.templates.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'graphgate/staging/nlq-model',
      GenerateSecretString: Match.absent(),
    });
    const env = envOf(openai.templates.api, 'GraphqlFn');
    expect(env).toMatchObject({
      NLQ_MODEL_PROVIDER: 'openai-compatible',
      NLQ_MODEL_BASE_URL: openaiStage.nlqModel.baseUrl,
      NLQ_MODEL_ID: 'gpt-4o-mini',
    });
    expect(env.NLQ_MODEL_API_KEY).toBeUndefined();
    expect(JSON.stringify(env.NLQ_MODEL_API_KEY_SECRET_REF)).toMatch(/NlqModelSecret.*#apiKey/);
    const reads = statementsOfRole(openai.templates.api, 'GraphqlFnServiceRole').filter(
      (s) =>
        JSON.stringify(s.Resource).includes('NlqModelSecret') &&
        actionsOf([s]).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toHaveLength(1);
    for (const template of Object.values(openai.templates)) expect(bedrockStatements(template)).toEqual([]);
    // With the key resolved at cold start (as resolveSecretEnv does), the origin's config loads.
    expect(loadNlqModelConfig({ ...plain(env), NLQ_MODEL_API_KEY: 'resolved-at-cold-start' })).toMatchObject({
      provider: 'openai-compatible',
      baseUrl: openaiStage.nlqModel.baseUrl,
      dailyCapUsd: 8,
    });
  });
});
