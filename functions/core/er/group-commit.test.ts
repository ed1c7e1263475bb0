import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A group commit that answers each item with itself and records every group it ran. */
function echoing(options: { maxBatch: number; maxInFlight: number }) {
  const groups: number[][] = [];
  const echo = groupCommit(async (xs: number[]) => {
    groups.push(xs);
    return xs;
  }, options);
  return { groups, echo };
}

describe('groupCommit', () => {
  it('runs items submitted together as one group and answers each in order', async () => {
    // Prepare
    const groups: number[][] = [];
    const double = groupCommit(
      async (xs: number[]) => {
        groups.push(xs);
        return xs.map((x) => x * 2);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    // Act
    const out = await Promise.all([1, 2, 3].map(double));
    // Assess
    expect(out).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('groups items that arrive while the in-flight slots are busy, up to maxBatch', async () => {
    // Prepare
    const groups: number[][] = [];
    const echo = groupCommit(
      async (xs: number[]) => {
        groups.push(xs);
        await tick();
        return xs;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    // Act
    const first = echo(0);
    await Promise.resolve();
    const rest = [1, 2, 3, 4].map(echo);
    await Promise.all([first, ...rest]);
    // Assess
    expect(groups).toEqual([[0], [1, 2], [3, 4]]);
  });

  it('fails every item of a failed group and keeps serving later ones', async () => {
    // Prepare
    let calls = 0;
    const flaky = groupCommit(
      async (xs: number[]) => {
        if (calls++ === 0) throw new Error('boom');
        return xs;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    // Act
    const failed = await Promise.allSettled([flaky(1), flaky(2)]);
    const later = await flaky(3);
    // Assess
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(later).toBe(3);
  });

  it('holds a group that is not full until every announced item arrives, then runs them together', async () => {
    // Prepare
    const { groups, echo } = echoing({ maxBatch: 10, maxInFlight: 2 });
    const coming = [0, 1, 2].map(() => echo.announce());
    // Act
    const first = echo.submit(0, coming[0]!);
    await tick();
    const heldBack = [...groups];
    const rest = [echo.submit(1, coming[1]!), echo.submit(2, coming[2]!)];
    const out = await Promise.all([first, ...rest]);
    // Assess
    expect(heldBack).toEqual([]);
    expect(groups).toEqual([[0, 1, 2]]);
    expect(out).toEqual([0, 1, 2]);
  });

  it('lets a group leave when the items it waits for are withdrawn', async () => {
    // Prepare
    const { groups, echo } = echoing({ maxBatch: 10, maxInFlight: 1 });
    const kept = echo.announce();
    const failed = echo.announce();
    // Act
    const out = echo.submit(7, kept);
    await tick();
    const heldBack = [...groups];
    failed.withdraw();
    failed.withdraw();
    // Assess
    expect(await out).toBe(7);
    expect(heldBack).toEqual([]);
    expect(groups).toEqual([[7]]);
  });

  it('runs a full group without waiting for announced items, and counts each announcement once', async () => {
    // Prepare
    const { groups, echo } = echoing({ maxBatch: 2, maxInFlight: 2 });
    const coming = [0, 1, 2].map(() => echo.announce());
    // Act
    const full = await Promise.all([echo.submit(0, coming[0]!), echo.submit(1, coming[1]!)]);
    coming[0]!.withdraw(); // already submitted: no effect on what is still expected
    const last = echo.submit(2, coming[2]!);
    // Assess
    expect(full).toEqual([0, 1]);
    expect(await last).toBe(2);
    expect(groups).toEqual([[0, 1], [2]]);
  });
});
