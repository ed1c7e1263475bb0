import { describe, expect, it } from 'vitest';
import { bCubed, Components, pairwise, truePairsOf } from './metrics.js';

const clusters = (spec: Record<string, string>) => new Map(Object.entries(spec));

describe('pairwise scores', () => {
  it('counts pairs placed together against pairs that belong together', () => {
    // Prepare: truth {a,b,c} {d,e}; prediction {a,b} {c,d,e}.
    const truth = clusters({ a: '1', b: '1', c: '1', d: '2', e: '2' });
    const predicted = clusters({ a: 'x', b: 'x', c: 'y', d: 'y', e: 'y' });
    // Act
    const s = pairwise(truth, predicted);
    // Assess: true pairs ab ac bc de = 4; predicted ab cd ce de = 4; right: ab de = 2.
    expect(s).toMatchObject({ truePairs: 4, predictedPairs: 4, truePositives: 2, precision: 0.5, recall: 0.5 });
    expect(s.f1).toBeCloseTo(0.5);
  });

  it('scores a perfect clustering 1 whatever the cluster names', () => {
    const s = pairwise(clusters({ a: '1', b: '1', c: '2' }), clusters({ a: 'k', b: 'k', c: 'z' }));
    expect([s.precision, s.recall, s.f1]).toEqual([1, 1, 1]);
  });

  it('leaves precision undefined (NaN, never 0 or 1) when nothing was put together', () => {
    const s = pairwise(clusters({ a: '1', b: '1' }), clusters({ a: 'x', b: 'y' }));
    expect(s.precision).toBeNaN();
    expect(s.recall).toBe(0);
  });

  it('refuses clusterings over different records: a missing record is a failed reading', () => {
    expect(() => pairwise(clusters({ a: '1', b: '1' }), clusters({ a: 'x' }))).toThrow(/1 without a prediction/);
  });
});

describe('B³', () => {
  it('averages each record’s precision and recall of its cluster', () => {
    // truth {a,b,c} {d,e}; prediction {a,b} {c,d,e}
    const s = bCubed(
      clusters({ a: '1', b: '1', c: '1', d: '2', e: '2' }),
      clusters({ a: 'x', b: 'x', c: 'y', d: 'y', e: 'y' }),
    );
    // precision: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15
    // recall:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2 → (2/3+2/3+1/3+1+1)/5 = 11/15
    expect(s.precision).toBeCloseTo(11 / 15);
    expect(s.recall).toBeCloseTo(11 / 15);
    expect(s.f1).toBeCloseTo(11 / 15);
  });

  it('gives singletons full precision and penalises recall by the share missed', () => {
    const s = bCubed(clusters({ a: '1', b: '1' }), clusters({ a: 'x', b: 'y' }));
    expect(s).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
  });
});

describe('helpers', () => {
  it('lists every unordered true pair once', () => {
    expect(truePairsOf(clusters({ a: '1', b: '1', c: '1', d: '2' }))).toEqual([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
  });

  it('joins links transitively into components', () => {
    const c = new Components();
    c.union('a', 'b');
    c.union('c', 'b');
    expect(c.find('a')).toBe(c.find('c'));
    expect(c.find('d')).toBe('d');
  });
});
