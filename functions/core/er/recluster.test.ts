import { describe, expect, it } from 'vitest';
import { erActor } from './apply.js';
import { defaultModel } from './model/defaults.js';
import { normaliseRecord } from './normalise.js';
import { planRecluster } from './recluster.js';
import { storedRecordOf } from './records.js';
import type { TenantRecord, TenantSnapshot } from './tenant-records.js';
import { personRecord } from './test-support/records.js';

const rec = (
  id: string,
  name: string,
  birth: string | null,
  mergedInto: string | null = null,
  nid?: string,
): TenantRecord => {
  const r = personRecord({
    names: [name],
    dates: birth ? [{ type: 'birth', value: birth }] : [],
    identifiers: nid ? [{ scheme: 'nid', value: nid }] : [],
  });
  return { id, kind: 'PERSON', mergedInto, record: storedRecordOf(normaliseRecord(r), r.attributes), stored: true };
};

/** The snapshot after a plan is applied (what applyRecluster does to the graph, in memory). */
function applied(snapshot: TenantSnapshot, plan: ReturnType<typeof planRecluster>): TenantSnapshot {
  const split = new Set(plan.splits.map((s) => s.mergedId));
  const into = new Map(plan.merges.map((m) => [m.mergedId, m.survivorId]));
  return {
    records: snapshot.records.map((r) => ({
      ...r,
      mergedInto: into.get(r.id) ?? (split.has(r.id) ? null : r.mergedInto),
    })),
    merges: [
      ...plan.merges.map((m, i) => ({
        mergeId: `m-new-${i}`,
        survivorId: m.survivorId,
        mergedId: m.mergedId,
        actor: erActor,
      })),
      ...snapshot.merges.filter((m) => !split.has(m.mergedId)),
    ],
    reviews: snapshot.reviews.filter((r) => !plan.closes.some((c) => c.id === r.id)),
  };
}

describe('re-cluster plan', () => {
  const snapshot: TenantSnapshot = {
    records: [
      rec('a1', 'Frances Allen', '1932-08-04'),
      rec('a2', 'Frances Allen', '1932-08-04'),
      rec('b1', 'Ken Thompson', '1943-02-04'),
      rec('b2', 'Margaret Hamilton', '1936-08-17', 'b1'),
      rec('c1', 'Zed Zulu', '1990-01-01'),
      rec('d1', 'Anita Borg', '1949-01-17'),
      rec('d2', 'Someone Unrelated', '1970-05-05', 'd1'),
    ],
    merges: [
      { mergeId: 'm-b', survivorId: 'b1', mergedId: 'b2', actor: erActor },
      { mergeId: 'm-d', survivorId: 'd1', mergedId: 'd2', actor: 'reviewer@acme' },
    ],
    reviews: [
      { id: 'rv-aa', entityId: 'a2', candidateId: 'a1' },
      { id: 'rv-ac', entityId: 'c1', candidateId: 'a1' },
    ],
  };

  it('splits unsupported automatic merges only, merges HIGH pairs, and settles the reviews', () => {
    const plan = planRecluster(snapshot, defaultModel);
    expect(plan.modelVersion).toBe(defaultModel.version);
    expect(plan.splits.map((s) => s.mergeId)).toEqual(['m-b']);
    expect(plan.merges).toEqual([expect.objectContaining({ survivorId: 'a1', mergedId: 'a2', pair: ['a1', 'a2'] })]);
    expect(plan.closes).toEqual([
      { id: 'rv-aa', status: 'MERGED', probability: null },
      expect.objectContaining({ id: 'rv-ac', status: 'SUPERSEDED' }),
    ]);
    expect(plan.reviews).toEqual([]);
    expect(plan.stats).toMatchObject({ records: 7, entitiesBefore: 5, entitiesAfter: 5 });
  });

  it('plans nothing more once applied (the plan of the planned state is empty)', () => {
    const after: TenantSnapshot = {
      records: snapshot.records.map((r) =>
        r.id === 'b2' ? { ...r, mergedInto: null } : r.id === 'a2' ? { ...r, mergedInto: 'a1' } : r,
      ),
      merges: [
        { mergeId: 'm-d', survivorId: 'd1', mergedId: 'd2', actor: 'reviewer@acme' },
        { mergeId: 'm-a', survivorId: 'a1', mergedId: 'a2', actor: erActor },
      ],
      reviews: [],
    };
    const plan = planRecluster(after, defaultModel);
    expect([plan.splits, plan.merges, plan.reviews, plan.closes]).toEqual([[], [], [], []]);
  });

  it('does not undo a merge it made between entities of several records (the pair that joined them is inside)', () => {
    // A = {a0, a1}, B = {b0, b1, b2}; a1 and b1 are one person, a0 alone looks like nobody in B.
    const nested: TenantSnapshot = {
      records: [
        rec('a0', 'G Hopper', null, null, '11112222'),
        rec('a1', 'Grace Hopper', '1906-12-09', 'a0', '11112222'),
        rec('b0', 'Rear Admiral Hopper', '1906-12-09'),
        rec('b1', 'Grace Hopper', '1906-12-09', 'b0'),
        rec('b2', 'Grace B Hopper', '1906-12-09', 'b0'),
      ],
      merges: [
        { mergeId: 'm-a1', survivorId: 'a0', mergedId: 'a1', actor: erActor },
        { mergeId: 'm-b1', survivorId: 'b0', mergedId: 'b1', actor: erActor },
        { mergeId: 'm-b2', survivorId: 'b0', mergedId: 'b2', actor: erActor },
      ],
      reviews: [],
    };
    const plan = planRecluster(nested, defaultModel);
    expect(plan.splits).toEqual([]);
    expect(plan.merges).toEqual([expect.objectContaining({ survivorId: 'b0', mergedId: 'a0', pair: ['a1', 'b1'] })]);
    const again = planRecluster(applied(nested, plan), defaultModel);
    expect([again.splits, again.merges, again.reviews, again.closes]).toEqual([[], [], [], []]);
  });

  it('keeps a pair a reviewer rejected apart: never merged, never proposed for review again', () => {
    const mid = [rec('m1', 'Mary Smith', '1950-01-01'), rec('m2', 'Mary Smith', null)];
    const open: TenantSnapshot = { records: [...snapshot.records, ...mid], merges: snapshot.merges, reviews: [] };
    const before = planRecluster(open, defaultModel);

    const plan = planRecluster(
      {
        ...open,
        notSame: [
          { a: 'a1', b: 'a2' },
          { a: 'm1', b: 'm2' },
        ],
      },
      defaultModel,
    );

    expect(before.merges.map((m) => m.pair)).toContainEqual(['a1', 'a2']);
    expect(before.reviews.map((r) => [r.entityId, r.candidateId])).toContainEqual(['m1', 'm2']);
    expect(plan.merges.map((m) => m.pair)).not.toContainEqual(['a1', 'a2']);
    expect(plan.reviews.map((r) => [r.entityId, r.candidateId])).not.toContainEqual(['m1', 'm2']);
  });

  it('leaves keys shared by more than maxBlock records out of blocking', () => {
    const plan = planRecluster(snapshot, defaultModel, { maxBlock: 1 });
    expect(plan.merges).toEqual([]);
    expect(plan.stats.skippedKeys).toBeGreaterThan(0);
  });
});
