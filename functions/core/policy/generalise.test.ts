import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generaliseRow, generaliseValue, groupRows, MASK, maxLevel, stepAt } from './generalise.js';

describe('generaliseValue', () => {
  it('buckets numbers into ranges of the step width', () => {
    expect(generaliseValue(37, { range: 10 })).toBe('30-39');
    expect(generaliseValue(40, { range: 5 })).toBe('40-44');
  });

  it('keeps a prefix of strings without spaces', () => {
    expect(generaliseValue('SW1A 1AA', { prefix: 3 })).toBe('SW1*');
  });

  it('truncates ISO dates to month, year and decade', () => {
    expect(generaliseValue('1987-06-15', { date: 'month' })).toBe('1987-06');
    expect(generaliseValue('1987-06-15', { date: 'year' })).toBe('1987');
    expect(generaliseValue('1987-06-15', { date: 'decade' })).toBe('1980s');
  });

  it('masks missing values and values of the wrong type', () => {
    expect(generaliseValue(undefined, { range: 10 })).toBe(MASK);
    expect(generaliseValue('old', { range: 10 })).toBe(MASK);
    expect(generaliseValue('not a date', { date: 'year' })).toBe(MASK);
    expect(generaliseValue('f', { mask: true })).toBe(MASK);
    expect(generaliseValue('f', { keep: true })).toBe('f');
  });

  it('puts every number of a range into the same bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 50 }), (age, width) => {
        const bucket = generaliseValue(age, { range: width }) as string;
        const [low, high] = bucket.split('-').map(Number) as [number, number];
        expect(age).toBeGreaterThanOrEqual(low);
        expect(age).toBeLessThanOrEqual(high);
        expect(high - low + 1).toBe(width);
      }),
    );
  });
});

describe('ladder levels', () => {
  const qis = [
    { field: 'age', ladder: [{ range: 5 }, { range: 10 }] },
    { field: 'gender', ladder: [{ keep: true as const }] },
  ];

  it('keeps raw values at level 0 and holds the last step past the end of a ladder', () => {
    expect(stepAt(qis[0]!, 0)).toBeNull();
    expect(stepAt(qis[0]!, 2)).toEqual({ range: 10 });
    expect(stepAt(qis[0]!, 9)).toEqual({ range: 10 });
    expect(maxLevel(qis)).toBe(2);
  });

  it('generalises only the quasi-identifiers of a row', () => {
    const row = generaliseRow({ age: 33, gender: 'f', risk: 7 }, qis, 1);
    expect(row).toEqual({ age: '30-34', gender: 'f', risk: 7 });
  });
});

describe('groupRows', () => {
  it('groups rows by equal quasi-identifier values with opaque ids', () => {
    const qis = [{ field: 'a', ladder: [] }];
    const groups = groupRows([{ a: 1 }, { a: 2 }, { a: 1 }], qis);
    expect([...groups.values()]).toEqual([[0, 2], [1]]);
    expect([...groups.keys()]).toEqual(['g0', 'g1']);
  });

  it('accounts for every row exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.boolean() })), (rows) => {
        const groups = groupRows(rows, [
          { field: 'a', ladder: [] },
          { field: 'b', ladder: [] },
        ]);
        const all = [...groups.values()].flat().sort((x, y) => x - y);
        expect(all).toEqual(rows.map((_, i) => i));
      }),
    );
  });
});
