/**
 * Settings of the NLQ model tier, part of the origin's config (read once, typed, loud). Off unless
 * `NLQ_MODEL_PROVIDER` names a provider; a named provider needs every one of its variables, and the message names
 * each one missing. CDK sets these from the stage config (infra/cdk/stacks/api-stack.ts); the API key of an
 * OpenAI-compatible endpoint arrives as `NLQ_MODEL_API_KEY_SECRET_REF` and is resolved from Secrets Manager at cold
 * start like the other secrets.
 */
import { z } from 'zod';
import { parseEnv } from '../core/config/env.js';

/** What every provider needs: the model, its prices (USD per 1,000 tokens) and a tenant's daily cap. */
const metered = {
  NLQ_MODEL_ID: z.string().min(1),
  NLQ_MODEL_PRICE_IN_PER_1K: z.coerce.number().nonnegative(),
  NLQ_MODEL_PRICE_OUT_PER_1K: z.coerce.number().nonnegative(),
  NLQ_LLM_DAILY_CAP_USD: z.coerce.number().positive().default(20),
};

const envSchema = z.discriminatedUnion('NLQ_MODEL_PROVIDER', [
  z.object({ NLQ_MODEL_PROVIDER: z.literal('off') }),
  z.object({ NLQ_MODEL_PROVIDER: z.literal('bedrock'), NLQ_MODEL_REGION: z.string().min(1), ...metered }),
  z.object({
    NLQ_MODEL_PROVIDER: z.literal('openai-compatible'),
    NLQ_MODEL_BASE_URL: z.url(),
    NLQ_MODEL_API_KEY: z.string().min(1),
    ...metered,
  }),
]);

interface Metered {
  modelId: string;
  price: { inputPer1k: number; outputPer1k: number };
  /** USD a tenant may spend on the model per UTC day. */
  dailyCapUsd: number;
}

/** The model tier's settings: off, or one provider with what it needs. */
export type NlqModelConfig =
  | { provider: 'off' }
  | ({ provider: 'bedrock'; region: string } & Metered)
  | ({ provider: 'openai-compatible'; baseUrl: string; apiKey: string } & Metered);

/** Parses the model tier's variables; throws a ConfigError naming every bad or missing one. */
export function loadNlqModelConfig(env: NodeJS.ProcessEnv): NlqModelConfig {
  const e = parseEnv(
    envSchema,
    { ...env, NLQ_MODEL_PROVIDER: env.NLQ_MODEL_PROVIDER || 'off' },
    'origin NLQ model tier',
  );
  if (e.NLQ_MODEL_PROVIDER === 'off') return { provider: 'off' };
  const metered: Metered = {
    modelId: e.NLQ_MODEL_ID,
    price: { inputPer1k: e.NLQ_MODEL_PRICE_IN_PER_1K, outputPer1k: e.NLQ_MODEL_PRICE_OUT_PER_1K },
    dailyCapUsd: e.NLQ_LLM_DAILY_CAP_USD,
  };
  return e.NLQ_MODEL_PROVIDER === 'bedrock'
    ? { provider: 'bedrock', region: e.NLQ_MODEL_REGION, ...metered }
    : { provider: 'openai-compatible', baseUrl: e.NLQ_MODEL_BASE_URL, apiKey: e.NLQ_MODEL_API_KEY, ...metered };
}
