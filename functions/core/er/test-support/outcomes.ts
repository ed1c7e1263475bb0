/** Effect outcomes for tests that replace the graph effect; imported by tests only. */
import type { EffectOutcome } from '../apply.js';

/** What an effect answers for an event that matched nothing (LOW, a fresh entity, applied now); override the rest. */
export function lowOutcome(
  eventId: string,
  overrides: Partial<EffectOutcome & { applied: boolean }> = {},
): EffectOutcome & { applied: boolean } {
  return {
    eventId,
    band: 'LOW',
    score: 0,
    entityId: `er-${eventId}`,
    candidateId: null,
    mergeId: null,
    reviewId: null,
    repairMergeIds: [],
    touched: [],
    explanation: null,
    modelVersion: 'test',
    ledgerSeq: null,
    applied: true,
    ...overrides,
  };
}
