/**
 * The NLQ model tier from the origin's config (`OriginConfig.nlqModel`, see nlq-config.ts): undefined when off
 * (locally it is off; the offline grammar answers), else the configured provider behind the per-tenant daily cap in
 * Upstash, a circuit breaker and token metering into `LlmSpendUsd`.
 */
import type { Redis } from '@upstash/redis';
import { bedrockProvider } from '../core/nlq/model/bedrock.js';
import { circuitBreaker } from '../core/nlq/model/breaker.js';
import { createModelTier } from '../core/nlq/model/model-tier.js';
import { openAiCompatibleProvider } from '../core/nlq/model/openai.js';
import type { ModelProvider } from '../core/nlq/model/provider.js';
import { upstashSpendLedger } from '../core/nlq/model/spend.js';
import type { ModelTier } from '../core/nlq/model/tier.js';
import type { NlqMetrics } from '../core/nlq/telemetry.js';
import type { NlqModelConfig } from './nlq-config.js';

/** The model tier the config asks for, or undefined (off). */
export function modelTierFromConfig(
  config: NlqModelConfig,
  deps: { redis: Redis; metrics: NlqMetrics },
): ModelTier | undefined {
  if (config.provider === 'off') return undefined;
  const provider: ModelProvider =
    config.provider === 'bedrock'
      ? bedrockProvider({ region: config.region, modelId: config.modelId })
      : openAiCompatibleProvider({ baseUrl: config.baseUrl, model: config.modelId, apiKey: config.apiKey });
  return createModelTier({
    provider,
    price: config.price,
    dailyCapUsd: config.dailyCapUsd,
    spend: upstashSpendLedger(deps.redis),
    breaker: circuitBreaker({ failures: 5, cooldownMs: 30_000 }),
    metrics: deps.metrics,
  });
}
