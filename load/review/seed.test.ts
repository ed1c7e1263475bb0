import { describe, expect, it } from 'vitest';
import { defaultModel } from '../../functions/core/er/model/defaults.js';
import { score } from '../../functions/core/er/model/model.js';
import { normaliseRecord } from '../../functions/core/er/normalise.js';
import { mulberry32 } from '../../functions/core/rng.js';
import { midPairRecords, midProbability, repriced } from './seed.js';

describe('bench:review seed', () => {
  it('spreads probabilities over the MID band, denser near its floor', () => {
    const rng = mulberry32(7);
    const ps = Array.from({ length: 5_000 }, () => midProbability(rng)).sort((a, b) => a - b);
    const { mid, high } = defaultModel.bands;
    const at = (q: number) => ps[Math.floor(q * (ps.length - 1))]!;

    expect(ps[0]).toBeGreaterThanOrEqual(mid);
    expect(ps[ps.length - 1]).toBeLessThan(high);
    expect(new Set(ps).size).toBe(ps.length);
    expect(at(0.5)).toBeLessThan((mid + high) / 2);
    expect(at(0.95) - at(0.05)).toBeGreaterThan((high - mid) * 0.6);
  });

  it('re-prices a real explanation so that its waterfall still sums to the new probability', () => {
    const [a, b] = midPairRecords('Brakoutai Lemisou', 'k1');
    const real = score(defaultModel, normaliseRecord(a), normaliseRecord(b));
    const p = 0.73;

    const r = repriced(real, p);
    const weight = r.waterfall.reduce((s, w) => s + w.log2bf, r.prior.log2odds);
    const name = r.waterfall.find((w) => w.comparison === 'name')!;

    expect(r.probability).toBe(p);
    expect(weight).toBeCloseTo(r.matchWeight, 9);
    expect(1 / (1 + 2 ** -weight)).toBeCloseTo(p, 9);
    expect(name.bayesFactor).toBeCloseTo(2 ** name.log2bf, 6);
    expect(name.m! / name.termFrequencyU!).toBeCloseTo(name.bayesFactor, 6);
    expect(r.waterfall.filter((w) => w.comparison !== 'name')).toEqual(
      real.waterfall.filter((w) => w.comparison !== 'name'),
    );
  });
});
