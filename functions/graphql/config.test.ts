import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config/env.js';
import { loadOriginConfig } from './config.js';

const base = {
  GRAPHGATE_STAGE: 'dev',
  NEO4J_URI: 'neo4j+s://db.example:7687',
  UPSTASH_URL: 'https://x.upstash.io',
  UPSTASH_TOKEN: 't',
  SIGNING_KEYS: 'k2:new-secret,k1:old-secret',
};

describe('origin configuration', () => {
  it('reads a valid environment, current signing key first', () => {
    const c = loadOriginConfig(base);
    expect(c.signingKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(c.allowArbitraryDocuments).toBe(false);
  });

  it('names every bad variable in one ConfigError', () => {
    const bad = () => loadOriginConfig({ ...base, NEO4J_URI: 'http://nope', UPSTASH_URL: 'not a url' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/NEO4J_URI.*UPSTASH_URL|UPSTASH_URL.*NEO4J_URI/);
  });

  it('has no variable that switches step-up off: the stage only selects its setting in policy data', () => {
    const c = loadOriginConfig({ ...base, STEPUP_ENFORCE: 'none' });
    expect(c.stepUp.stage).toBe('dev');
    expect(c.stepUp).not.toHaveProperty('enforce');
  });

  it('refuses arbitrary documents outside the local stage', () => {
    expect(() => loadOriginConfig({ ...base, ALLOW_ARBITRARY_DOCUMENTS: 'true' })).toThrow(
      /only allowed in the local stage/,
    );
  });

  it('leaves the NLQ model tier off unless a provider is named', () => {
    expect(loadOriginConfig(base).nlqModel).toEqual({ provider: 'off' });
    expect(loadOriginConfig({ ...base, NLQ_MODEL_PROVIDER: 'off', NLQ_MODEL_ID: 'ignored' }).nlqModel).toEqual({
      provider: 'off',
    });
  });

  it('reads a Bedrock model tier: model, region, prices and the daily cap', () => {
    const c = loadOriginConfig({
      ...base,
      NLQ_MODEL_PROVIDER: 'bedrock',
      NLQ_MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0',
      NLQ_MODEL_REGION: 'eu-central-1',
      NLQ_MODEL_PRICE_IN_PER_1K: '0.00025',
      NLQ_MODEL_PRICE_OUT_PER_1K: '0.00125',
      NLQ_LLM_DAILY_CAP_USD: '15',
    });
    expect(c.nlqModel).toEqual({
      provider: 'bedrock',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'eu-central-1',
      price: { inputPer1k: 0.00025, outputPer1k: 0.00125 },
      dailyCapUsd: 15,
    });
  });

  it('names every variable a named provider lacks in one ConfigError', () => {
    const bedrock = () => loadOriginConfig({ ...base, NLQ_MODEL_PROVIDER: 'bedrock', NLQ_MODEL_ID: 'm' });
    expect(bedrock).toThrow(ConfigError);
    expect(bedrock).toThrow(/NLQ_MODEL_REGION.*NLQ_MODEL_PRICE_IN_PER_1K.*NLQ_MODEL_PRICE_OUT_PER_1K/);
    const openai = () =>
      loadOriginConfig({
        ...base,
        NLQ_MODEL_PROVIDER: 'openai-compatible',
        NLQ_MODEL_ID: 'm',
        NLQ_MODEL_BASE_URL: 'not a url',
        NLQ_MODEL_PRICE_IN_PER_1K: '0',
        NLQ_MODEL_PRICE_OUT_PER_1K: '0',
      });
    expect(openai).toThrow(/NLQ_MODEL_BASE_URL.*NLQ_MODEL_API_KEY/);
    expect(() => loadOriginConfig({ ...base, NLQ_MODEL_PROVIDER: 'gpt' })).toThrow(/NLQ_MODEL_PROVIDER/);
  });
});
