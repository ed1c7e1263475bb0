import { describe, expect, it } from 'vitest';
import { defaultWorkerBatches } from '../functions/er-intake/config.js';
import { stages } from '../infra/cdk/config/stages.js';
import { erWorkerCap } from './er-worker-cap.js';
import { erWorker, erWorkerStage, profiles } from './profiles.js';

describe('erWorkerCap', () => {
  it('runs one batch loop per invocation the stage allows, each of the stage batch size', () => {
    // Prepare / Act
    const cap = erWorkerCap('staging', { consumerMaxConcurrency: 5, batchSize: 10 }, 10);

    // Assess
    expect(cap).toMatchObject({
      consumerMaxConcurrency: 5,
      batchSize: 10,
      eventsAtOncePerBatch: 10,
      eventsInFlight: 50,
    });
    expect(cap.env).toEqual({ WORKER_BATCHES: '5', WORKER_BATCH_SIZE: '10', ER_CONCURRENCY: '10' });
  });

  it('works on no more events of a batch at once than the batch holds', () => {
    const cap = erWorkerCap('dev', { consumerMaxConcurrency: 2, batchSize: 4 }, 10);

    expect(cap.eventsAtOncePerBatch).toBe(4);
    expect(cap.eventsInFlight).toBe(8);
    expect(cap.env.ER_CONCURRENCY).toBe('4');
  });

  it('refuses settings that are not positive integers', () => {
    expect(() => erWorkerCap('dev', { consumerMaxConcurrency: 0, batchSize: 10 })).toThrow(/consumerMaxConcurrency/);
    expect(() => erWorkerCap('dev', { consumerMaxConcurrency: 2, batchSize: 2.5 })).toThrow(/batchSize/);
  });

  it('mirrors a batch larger than one receive (the worker gathers it from several)', () => {
    const cap = erWorkerCap('dev', { consumerMaxConcurrency: 2, batchSize: 50 }, 50);

    expect(cap.env).toEqual({ WORKER_BATCHES: '2', WORKER_BATCH_SIZE: '50', ER_CONCURRENCY: '50' });
    expect(cap.eventsInFlight).toBe(100);
  });

  it("runs the worker with the dev stage's consumer concurrency unless told otherwise", () => {
    expect(defaultWorkerBatches).toBe(stages.dev.ingest.consumerMaxConcurrency);
  });

  it('gives every load profile the stated stage cap, read from the stage config', () => {
    const { consumerMaxConcurrency, batchSize } = stages[erWorkerStage].ingest;

    expect(erWorker).toMatchObject({ stage: erWorkerStage, consumerMaxConcurrency, batchSize });
    for (const p of Object.values(profiles)) expect(p.erWorker).toBe(erWorker);
  });
});
