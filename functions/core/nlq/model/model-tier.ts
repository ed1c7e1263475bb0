/**
 * The model tier: for questions the grammar cannot read. Checks the tenant's daily cap and the circuit breaker
 * before calling the provider, meters the tokens into USD (`LlmSpendUsd`) and the tenant's daily spend after it, and
 * turns the reply into an intent (planned like a grammar intent), a model-written plan (guarded like any plan), or a
 * refusal. A provider failure is a refusal (MODEL_UNAVAILABLE), never a 5xx.
 */
import { createHash } from 'node:crypto';
import type { Refusal } from '../errors.js';
import type { NlqMetrics } from '../telemetry.js';
import type { CircuitBreaker } from './breaker.js';
import { readReply, systemPrompt } from './prompt.js';
import { costOf, type ModelPrice, type ModelProvider } from './provider.js';
import type { SpendLedger } from './spend.js';
import type { ModelTier, ModelTranslation } from './tier.js';

export interface ModelTierOptions {
  provider: ModelProvider;
  price: ModelPrice;
  /** USD a tenant may spend per UTC day. */
  dailyCapUsd: number;
  spend: SpendLedger;
  breaker: CircuitBreaker;
  metrics: NlqMetrics;
  maxTokens?: number;
  timeoutMs?: number;
  clock?: () => Date;
}

const refusal = (code: Refusal['code'], message: string): ModelTranslation => ({ refusal: { code, message } });

export function createModelTier(o: ModelTierOptions): ModelTier {
  const clock = o.clock ?? (() => new Date());
  return {
    async translate(tenant, question) {
      const now = clock();
      if ((await o.spend.spent(tenant, now)) >= o.dailyCapUsd)
        return refusal(
          'LLM_BUDGET_EXHAUSTED',
          "today's model budget for your tenant is spent; rephrase the question in the grammar's terms or try tomorrow",
        );
      if (!o.breaker.allows())
        return refusal(
          'MODEL_UNAVAILABLE',
          "the model tier is paused after repeated failures; rephrase the question in the grammar's terms",
        );
      let text: string;
      try {
        const c = await o.provider.complete(
          { system: systemPrompt, user: question, maxTokens: o.maxTokens ?? 400 },
          AbortSignal.timeout(o.timeoutMs ?? 8000),
        );
        const usd = costOf(c, o.price);
        o.metrics.llmSpend(usd, o.provider.name);
        o.metrics.llmTokens(tenant, c.inputTokens + c.outputTokens);
        await o.spend.add(tenant, usd, now);
        o.breaker.success();
        text = c.text;
      } catch {
        o.breaker.failure();
        return refusal(
          'MODEL_UNAVAILABLE',
          "the model tier did not answer; rephrase the question in the grammar's terms",
        );
      }
      const reply = readReply(text);
      if (!reply) return refusal('NOT_UNDERSTOOD', 'neither the grammar nor the model could read the question');
      if ('refusal' in reply || 'intent' in reply) return reply;
      // A model plan's values are its parameters; the plan itself is keyed by its text (the slot values never are).
      const signature = `model:${createHash('sha256').update(reply.cypher).digest('hex').slice(0, 24)}`;
      return {
        plan: {
          signature,
          tier: 'model',
          cypher: reply.cypher,
          slotNames: Object.keys(reply.params).sort(),
          shape: 'entities',
          maxHops: 3,
        },
        slotValues: reply.params,
      };
    },
  };
}
