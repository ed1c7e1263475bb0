import { describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../audit/memory-ledger.js';
import { memoryPlanCache } from './memory-plan-cache.js';
import { createNlqService, type NlqRequest } from './service.js';
import { countingNlqMetrics } from './telemetry.js';
import { countPolicy, fixedPlanModel, recordingExecutor } from './test-support/fakes.js';
import { hostileCorpus } from './test-support/hostile-corpus.js';

const request = (question: string, tenant = 'tenant-a'): NlqRequest => ({
  tenant,
  actor: 'analyst-1',
  question,
  purpose: 'investigation',
  caller: { roles: ['investigator'] } as NlqRequest['caller'],
  dataClasses: ['ENTITY', 'PII'],
  now: new Date('2026-12-01T00:00:00Z'),
});

function service(options: { count?: number; model?: ReturnType<typeof fixedPlanModel> } = {}) {
  const { executor, calls } = recordingExecutor(options.count);
  const { metrics, counts } = countingNlqMetrics();
  const cache = memoryPlanCache({ maxEntries: 3, ttlMs: 60_000 });
  const nlq = createNlqService({
    executor,
    cache,
    schemaVersion: 'v1',
    engine: countPolicy(),
    ledger: new MemoryAuditLedger(),
    metrics,
    ...(options.model ? { model: options.model } : {}),
  });
  return { nlq, calls, counts, cache };
}

describe('the NLQ service', () => {
  it('answers paraphrases of one intent from one cached plan, with the tenant bound in the parameters', async () => {
    const { nlq, calls, counts } = service();
    const first = await nlq.answer(request('how many people does Olga Chen know'));
    const second = await nlq.answer(request('How many persons does "Maria Ivanova" know?'));
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.plan?.cypher).toBe(first.plan?.cypher);
    expect(second.plan?.parameters).toMatchObject({ tenant: 'tenant-a', anchor: 'maria ivanova', relType: 'KNOWS' });
    expect(second.rows).toEqual([{ count: 12 }]);
    expect(calls.filter((c) => c.kind === 'explain')).toHaveLength(1);
    expect(counts).toMatchObject({ hits: 1, misses: 1, answered: 2 });
  }, 60_000);

  it('keeps plans per tenant: another tenant misses and binds its own tenant', async () => {
    const { nlq } = service();
    await nlq.answer(request('how many organisations are there'));
    const other = await nlq.answer(request('count the companies', 'tenant-b'));
    expect(other.fromCache).toBe(false);
    expect(other.plan?.parameters.tenant).toBe('tenant-b');
  });

  it('withholds a count smaller than k, with the policy reason', async () => {
    const { nlq } = service({ count: 3 });
    const answer = await nlq.answer(request('how many vehicles are there'));
    expect(answer.refusal?.code).toBe('POLICY_DENIED');
    expect(answer.rows).toEqual([]);
  });

  it('refuses bad input with INVALID_INPUT', async () => {
    const { nlq } = service();
    await expect(nlq.answer(request('   '))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(nlq.answer({ ...request('how many people are there'), purpose: 'DROP TABLE' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(nlq.answer(request('x'.repeat(501)))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it(`refuses every hostile input of the corpus (${hostileCorpus.length}) and sends none of them to Neo4j`, async () => {
    let current = '';
    const model = fixedPlanModel(() => current);
    const { nlq, calls } = service({ model });
    const answered: string[] = [];
    for (const c of hostileCorpus) {
      current = c.plan;
      const answer = await nlq.answer(request(c.question));
      if (!answer.refusal) answered.push(c.name);
    }
    expect(answered).toEqual([]);
    expect(calls).toEqual([]);
    // The model was consulted for the innocent-looking questions, so its plans really were put to the guard.
    expect(model.calls).toBeGreaterThanOrEqual(hostileCorpus.filter((c) => c.name.startsWith('plan: ')).length);
  }, 120_000);
});
