/**
 * The NLQ model tier from the origin's environment: off unless NLQ_MODEL_PROVIDER names a provider (locally it is
 * off; the offline grammar answers). Prices are configuration, as is the per-tenant daily cap; the API key of an
 * OpenAI-compatible endpoint comes from the environment (resolved from Secrets Manager like the other secrets).
 */
import type { Redis } from '@upstash/redis';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../core/config/env.js';
import { bedrockProvider } from '../core/nlq/model/bedrock.js';
import { circuitBreaker } from '../core/nlq/model/breaker.js';
import { createModelTier } from '../core/nlq/model/model-tier.js';
import { openAiCompatibleProvider } from '../core/nlq/model/openai.js';
import type { ModelProvider } from '../core/nlq/model/provider.js';
import { upstashSpendLedger } from '../core/nlq/model/spend.js';
import type { ModelTier } from '../core/nlq/model/tier.js';
import type { NlqMetrics } from '../core/nlq/telemetry.js';

const envSchema = z.object({
  NLQ_MODEL_PROVIDER: z.enum(['off', 'bedrock', 'openai-compatible']).default('off'),
  NLQ_MODEL_ID: z.string().min(1).optional(),
  NLQ_MODEL_REGION: z.string().min(1).optional(),
  NLQ_MODEL_BASE_URL: z.url().optional(),
  NLQ_MODEL_API_KEY: z.string().min(1).optional(),
  NLQ_MODEL_PRICE_IN_PER_1K: z.coerce.number().nonnegative().optional(),
  NLQ_MODEL_PRICE_OUT_PER_1K: z.coerce.number().nonnegative().optional(),
  NLQ_LLM_DAILY_CAP_USD: z.coerce.number().positive().default(20),
});

/** The model tier the environment asks for, or undefined (off). Fails loudly on a half-configured provider. */
export function modelTierFromEnv(
  env: NodeJS.ProcessEnv,
  deps: { redis: Redis; metrics: NlqMetrics },
): ModelTier | undefined {
  const e = parseEnv(envSchema, env, 'origin NLQ model tier');
  if (e.NLQ_MODEL_PROVIDER === 'off') return undefined;
  const need = <T>(name: string, value: T | undefined): T => {
    if (value === undefined)
      throw new ConfigError(`${name} is required when NLQ_MODEL_PROVIDER=${e.NLQ_MODEL_PROVIDER}`);
    return value;
  };
  const model = need('NLQ_MODEL_ID', e.NLQ_MODEL_ID);
  const provider: ModelProvider =
    e.NLQ_MODEL_PROVIDER === 'bedrock'
      ? bedrockProvider({ region: need('NLQ_MODEL_REGION', e.NLQ_MODEL_REGION), modelId: model })
      : openAiCompatibleProvider({
          baseUrl: need('NLQ_MODEL_BASE_URL', e.NLQ_MODEL_BASE_URL),
          model,
          apiKey: need('NLQ_MODEL_API_KEY', e.NLQ_MODEL_API_KEY),
        });
  return createModelTier({
    provider,
    price: {
      inputPer1k: need('NLQ_MODEL_PRICE_IN_PER_1K', e.NLQ_MODEL_PRICE_IN_PER_1K),
      outputPer1k: need('NLQ_MODEL_PRICE_OUT_PER_1K', e.NLQ_MODEL_PRICE_OUT_PER_1K),
    },
    dailyCapUsd: e.NLQ_LLM_DAILY_CAP_USD,
    spend: upstashSpendLedger(deps.redis),
    breaker: circuitBreaker({ failures: 5, cooldownMs: 30_000 }),
    metrics: deps.metrics,
  });
}
