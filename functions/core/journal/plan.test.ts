import { describe, expect, it } from 'vitest';
import { decideInDoubt, planReplay } from './plan.js';
import type { JournalEntry, JournaledOperation, JournalPayload } from './types.js';

const none = { decisions: new Set<string>(), undos: new Set<string>() };
/** Evidence with the given ledger entries and nothing in the journal. */
const evidence = (decisions: string[], undos: string[] = []) => ({
  decisions: new Set(decisions),
  undos: new Set(undos),
  undone: new Set<string>(),
  unmerged: new Set<string>(),
});
const decision = (decisionId: string) => ({ reviewId: 'rv-1', decisionId, decision: 'ACCEPT', at: 1 });

/** Entries at 1000, 1001, … in the order given. */
function journal(...payloads: JournalPayload[]): JournalEntry[] {
  return payloads.map((payload, i) => ({ tenant: 't-1', at: 1000 + i, id: String(i), payload }));
}
const intent = (key: string, operation: JournaledOperation, input = {}) =>
  ({ kind: 'graphql', operation, input, intent: key }) as const;
const outcome = (key: string, value: 'committed' | 'aborted' | 'unchanged') =>
  ({ kind: 'outcome', intent: key, outcome: value }) as const;

describe('decideInDoubt', () => {
  it('takes a review decision as committed when the ledger holds its entry by decision id', () => {
    const audited = evidence(['d-1']);

    expect(decideInDoubt('decideReview', decision('d-1'), audited)).toBe('committed');
    expect(decideInDoubt('decideReview', decision('d-2'), audited)).toBe('not-acknowledged');
  });

  it('takes an undo as committed only by its own undo entry, not by the entry of the decision it undid', () => {
    const decided = evidence(['d-1']);
    const undone = evidence(['d-1'], ['d-1']);
    const undo = { reviewId: 'rv-1', decisionId: 'd-1', actor: 'ann', at: 1 };

    expect(decideInDoubt('undoReviewDecision', undo, decided)).toBe('not-acknowledged');
    expect(decideInDoubt('undoReviewDecision', undo, undone)).toBe('committed');
  });

  it('takes a decision or a merge as committed when a committed undo or unmerge needed it', () => {
    const later = { ...evidence([]), undone: new Set(['d-1']), unmerged: new Set(['m-1']) };

    expect(decideInDoubt('decideReview', decision('d-1'), later)).toBe('committed');
    expect(decideInDoubt('mergeEntity', { mergeId: 'm-1' }, later)).toBe('committed');
    expect(decideInDoubt('mergeEntity', { mergeId: 'm-2' }, later)).toBe('not-acknowledged');
    expect(decideInDoubt('unmergeEntity', { mergeId: 'm-1' }, later)).toBe('not-acknowledged');
  });

  it('leaves out writes with no effect recorded outside the graph, whatever ids they carry', () => {
    const all = { ...evidence(['d-1'], ['d-1']), undone: new Set(['d-1']), unmerged: new Set(['m-1']) };

    for (const operation of ['upsertEntity', 'linkEntities', 'reclassifyEntity', 'claimReview'] as const) {
      expect(decideInDoubt(operation, { id: 'e-1', decisionId: 'd-1', mergeId: 'm-1' }, all)).toBe('not-acknowledged');
    }
  });
});

describe('planReplay', () => {
  it('replays committed intents in outcome order and skips aborted and unchanged ones', () => {
    const entries = journal(
      intent('a', 'upsertEntity', { id: 'a' }),
      intent('b', 'upsertEntity', { id: 'b' }),
      intent('c', 'upsertEntity', { id: 'c' }),
      intent('d', 'upsertEntity', { id: 'd' }),
      outcome('b', 'committed'),
      outcome('c', 'aborted'),
      outcome('d', 'unchanged'),
      outcome('a', 'committed'),
    );

    const plan = planReplay(entries, 0, none);

    // b's intent was journaled after a's, but b committed first.
    expect(plan.planned.map((p) => [p.entry.id, p.replayAt])).toEqual([
      ['1', 1004],
      ['0', 1007],
    ]);
    expect(plan).toMatchObject({ aborted: 1, unchanged: 1, inDoubt: 0, inDoubtSkipped: [] });
  });

  it('replays an in-doubt decision the ledger holds, at its own time, and lists the in-doubt writes it leaves out', () => {
    const entries = journal(
      intent('k-dec', 'decideReview', decision('d-1')),
      intent('k-up', 'upsertEntity', { id: 'x' }),
      intent('k-lost', 'decideReview', decision('d-9')),
      { kind: 'graphql', operation: 'upsertEntity', input: { id: 'no-intent' } },
    );

    const plan = planReplay(entries, 0, evidence(['d-1']));

    expect(plan.planned.map((p) => [p.entry.id, p.replayAt, p.inDoubt])).toEqual([
      ['0', 1000, true],
      ['3', 1003, false],
    ]);
    expect(plan.inDoubt).toBe(3);
    expect(plan.inDoubtSkipped).toEqual([
      { intent: 'k-up', operation: 'upsertEntity', at: new Date(1001).toISOString() },
      { intent: 'k-lost', operation: 'decideReview', at: new Date(1002).toISOString() },
    ]);
  });

  it('replays an in-doubt merge and decision that a committed unmerge and undo needed, but not one an aborted undo named', () => {
    const entries = journal(
      intent('merge', 'mergeEntity', { mergeId: 'm-1' }),
      intent('dec', 'decideReview', decision('d-1')),
      intent('dec-2', 'decideReview', decision('d-2')),
      intent('unmerge', 'unmergeEntity', { mergeId: 'm-1' }),
      intent('undo', 'undoReviewDecision', { reviewId: 'rv-1', decisionId: 'd-1', actor: 'ann', at: 2 }),
      intent('undo-2', 'undoReviewDecision', { reviewId: 'rv-2', decisionId: 'd-2', actor: 'ann', at: 2 }),
      outcome('unmerge', 'committed'),
      outcome('undo', 'committed'),
      outcome('undo-2', 'aborted'),
    );

    const plan = planReplay(entries, 0, none);

    // The two in doubt at their own time, before the unmerge and the undo at their outcomes'.
    expect(plan.planned.map((p) => (p.entry.payload as { intent: string }).intent)).toEqual([
      'merge',
      'dec',
      'unmerge',
      'undo',
    ]);
    expect(plan.inDoubtSkipped.map((x) => x.intent)).toEqual(['dec-2']);
    expect(plan).toMatchObject({ inDoubt: 3, aborted: 1 });
  });

  it('counts nothing before the backup began, though it still plans what the caller drops', () => {
    const entries = journal(
      intent('old', 'upsertEntity', { id: 'old' }),
      intent('old-lost', 'upsertEntity'),
      intent('old-refused', 'upsertEntity'),
      outcome('old-refused', 'aborted'),
      outcome('old', 'committed'),
    );

    const plan = planReplay(entries, 2000, none);

    expect(plan.planned).toHaveLength(1);
    expect(plan).toMatchObject({ aborted: 0, unchanged: 0, inDoubt: 0, inDoubtSkipped: [] });
  });
});
