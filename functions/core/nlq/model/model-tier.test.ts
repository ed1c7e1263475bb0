import { describe, expect, it } from 'vitest';
import { countingNlqMetrics } from '../telemetry.js';
import { circuitBreaker } from './breaker.js';
import { createModelTier } from './model-tier.js';
import type { Completion, ModelProvider } from './provider.js';
import { memorySpendLedger } from './spend.js';

/** An in-memory provider for the tier's logic (the adapters have their own contract tests). */
function provider(replies: (Completion | Error)[]): ModelProvider & { calls: number } {
  const p = {
    name: 'fake',
    model: 'fake-1',
    calls: 0,
    async complete() {
      const r = replies[Math.min(p.calls++, replies.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return p;
}

const reply = (text: string): Completion => ({ text, inputTokens: 1000, outputTokens: 500 });
const price = { inputPer1k: 0.003, outputPer1k: 0.015 };

function tier(p: ModelProvider, capUsd = 1) {
  const { metrics, counts } = countingNlqMetrics();
  const spend = memorySpendLedger();
  const t = createModelTier({
    provider: p,
    price,
    dailyCapUsd: capUsd,
    spend,
    breaker: circuitBreaker({ failures: 2, cooldownMs: 60_000 }),
    metrics,
    clock: () => new Date('2026-12-05T12:00:00Z'),
  });
  return { t, counts, spend };
}

describe('the model tier', () => {
  it('prices every call into LlmSpendUsd and the tenant daily spend, and reads an intent reply', async () => {
    const { t, counts, spend } = tier(provider([reply('{"intent":{"op":"count","kind":"VEHICLE","filters":{}}}')]));
    expect(await t.translate('t1', 'how much rolling stock do we track')).toEqual({
      intent: { op: 'count', kind: 'VEHICLE', filters: {} },
    });
    expect(counts.spendUsd).toBeCloseTo(0.0105, 6);
    expect(await spend.spent('t1', new Date('2026-12-05T18:00:00Z'))).toBeCloseTo(0.0105, 6);
  });

  it('refuses once the tenant daily cap is spent, without calling the provider', async () => {
    const p = provider([reply('{"refuse":"no"}')]);
    const { t } = tier(p, 0.02);
    await t.translate('t1', 'q1');
    await t.translate('t1', 'q2');
    const third = await t.translate('t1', 'q3');
    expect(third).toMatchObject({ refusal: { code: 'LLM_BUDGET_EXHAUSTED' } });
    expect(p.calls).toBe(2);
    expect(await t.translate('t2', 'q1')).toMatchObject({ refusal: { code: 'UNSAFE_REQUEST' } });
  });

  it('opens the circuit after repeated failures and stops calling the provider', async () => {
    const p = provider([new Error('down')]);
    const { t } = tier(p);
    for (let i = 0; i < 4; i++)
      expect(await t.translate('t1', 'q')).toMatchObject({ refusal: { code: 'MODEL_UNAVAILABLE' } });
    expect(p.calls).toBe(2);
  });

  it('returns a raw plan with its values as parameters, keyed by its text', async () => {
    const cypher = 'MATCH (e:Entity {tenant: $tenant}) WHERE e.kind = $k RETURN properties(e) AS entity LIMIT $limit';
    const { t } = tier(
      provider([reply(`\`\`\`json\n${JSON.stringify({ cypher, params: { k: 'VEHICLE' } })}\n\`\`\``)]),
    );
    const out = await t.translate('t1', 'q');
    expect(out).toMatchObject({ plan: { tier: 'model', cypher, slotNames: ['k'] }, slotValues: { k: 'VEHICLE' } });
  });

  it('does not use a reply it cannot read', async () => {
    const { t } = tier(provider([reply('Sure! MATCH (n) RETURN n')]));
    expect(await t.translate('t1', 'q')).toMatchObject({ refusal: { code: 'NOT_UNDERSTOOD' } });
  });
});
