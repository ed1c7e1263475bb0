import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLedger } from '../audit/memory-ledger.js';
import { memoryPlanCache } from './memory-plan-cache.js';
import { createNlqService } from './service.js';
import { countingNlqMetrics } from './telemetry.js';
import { countPolicy, recordingExecutor } from './test-support/fakes.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => provider.shutdown());

const nlq = createNlqService({
  executor: recordingExecutor(12).executor,
  cache: memoryPlanCache({ maxEntries: 10, ttlMs: 60_000 }),
  schemaVersion: 'v1',
  engine: countPolicy(),
  ledger: new MemoryAuditLedger(),
  metrics: countingNlqMetrics().metrics,
});

async function spansOf(question: string): Promise<string[]> {
  exporter.reset();
  await nlq.answer({
    tenant: 'tenant-trace',
    actor: 'analyst-1',
    question,
    purpose: 'investigation',
    caller: { roles: ['investigator'] },
    dataClasses: ['ENTITY'],
  });
  await provider.forceFlush();
  return exporter.getFinishedSpans().map((s) => s.name);
}

describe('NLQ spans', () => {
  it('traces parse → cache → translate → guard → execute → export on a cache miss, in that order', async () => {
    const names = await spansOf('how many organisations are there');
    const started = ['nlq.parse', 'nlq.cache', 'nlq.translate', 'nlq.guard', 'nlq.execute', 'nlq.export'];
    expect(names.filter((n) => started.includes(n))).toEqual(started);
  }, 120_000); // the guard's first parse of a plan is slow on a shared machine

  it('skips translate when the plan comes from the cache', async () => {
    const names = await spansOf('count the companies');
    expect(names).toContain('nlq.cache');
    expect(names).toContain('nlq.execute');
    expect(names).not.toContain('nlq.translate');
  }, 120_000);
});
