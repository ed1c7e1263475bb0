import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../infra/local/seed/names.js';
import type { ComparableRecord, ComparisonResult } from './comparisons.js';
import { defaultModel } from './defaults.js';
import type { LevelParams, MatchModel } from './model.js';
import { estimateM, estimateMBySessions, estimatePrior, estimateU, termFrequencies } from './train.js';
import { withVersion } from './version.js';

/** The known mixture: three comparisons with clearly different m and u, λ = 0.15. */
const truth = {
  prior: 0.15,
  comparisons: {
    name: {
      exact: 0.7,
      subset: 0.05,
      jw92: 0.1,
      jw80: 0.05,
      alias: 0.03,
      single: 0.01,
      partial: 0.04,
      different: 0.02,
    },
    'identifier:nid': { exact: 0.8, edit1: 0.1, edit2: 0.04, different: 0.06 },
    'date:birth': { exact: 0.85, swap: 0.03, digit: 0.06, year: 0.03, different: 0.03 },
  } as Record<string, Record<string, number>>,
  u: {
    name: {
      exact: 0.01,
      subset: 0.01,
      jw92: 0.02,
      jw80: 0.05,
      alias: 0.02,
      single: 0.01,
      partial: 0.28,
      different: 0.6,
    },
    'identifier:nid': { exact: 0.002, edit1: 0.01, edit2: 0.03, different: 0.958 },
    'date:birth': { exact: 0.01, swap: 0.005, digit: 0.03, year: 0.1, different: 0.855 },
  } as Record<string, Record<string, number>>,
};

function draw(rng: () => number, probs: Record<string, number>): string {
  let r = rng();
  for (const [level, p] of Object.entries(probs)) {
    r -= p;
    if (r < 0) return level;
  }
  return Object.keys(probs).at(-1)!;
}

/** Pairs drawn from the mixture; 10% of comparisons missing at random (they must not bias the estimates). */
function mixture(n: number, seed: number): { pairs: ComparisonResult[][]; matches: number } {
  const rng = mulberry32(seed);
  let matches = 0;
  const pairs = Array.from({ length: n }, () => {
    const match = rng() < truth.prior;
    if (match) matches++;
    return Object.keys(truth.comparisons).map((comparison) => ({
      comparison,
      level: rng() < 0.1 ? 'missing' : draw(rng, (match ? truth.comparisons : truth.u)[comparison]!),
    }));
  });
  return { pairs, matches };
}

/** A start model holding the true u, a uniform m and a wrong prior: EM must find m and λ. */
function startModel(): MatchModel {
  const comparisons: Record<string, Record<string, LevelParams>> = { ...defaultModel.comparisons };
  for (const [id, us] of Object.entries(truth.u)) {
    const levels = Object.keys(us);
    comparisons[id] = Object.fromEntries(levels.map((l) => [l, { m: 1 / levels.length, u: us[l]! }]));
  }
  // m must lean towards agreement for EM to find the match class rather than its mirror image.
  for (const id of Object.keys(truth.u)) {
    const first = Object.keys(truth.u[id]!)[0]!;
    comparisons[id]![first] = { ...comparisons[id]![first]!, m: 0.5 };
  }
  return withVersion({ ...defaultModel, prior: 0.5, comparisons });
}

describe('estimateM (EM)', () => {
  it('recovers m and λ of a known mixture within 0.02, u held fixed', () => {
    // Prepare
    const { pairs } = mixture(20_000, 7);
    // Act
    const result = estimateM(pairs, startModel(), { tolerance: 1e-7 });
    // Assess
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeLessThan(200);
    expect(result.model.prior).toBeCloseTo(truth.prior, 1);
    expect(Math.abs(result.model.prior - truth.prior)).toBeLessThan(0.01);
    for (const [id, ms] of Object.entries(truth.comparisons)) {
      for (const [level, m] of Object.entries(ms)) {
        const got = result.model.comparisons[id]![level]!;
        expect(Math.abs(got.m - m), `${id}/${level} m`).toBeLessThan(0.02);
        expect(got.u, `${id}/${level} u`).toBe(truth.u[id]![level]);
      }
    }
  });

  it('stops at maxIterations when the tolerance is not met, and leaves ignored comparisons alone', () => {
    const { pairs } = mixture(2_000, 8);
    const start = startModel();
    const result = estimateM(pairs, start, { maxIterations: 2, tolerance: 0, ignore: ['date:birth'] });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
    expect(result.model.comparisons['date:birth']).toEqual(start.comparisons['date:birth']);
    expect(result.model.comparisons.name).not.toEqual(start.comparisons.name);
  });

  it('never estimates an m of 0 or 1, even for a level no pair shows', () => {
    const pairs = Array.from({ length: 500 }, () => [{ comparison: 'identifier:nid', level: 'exact' }]);
    const m = estimateM(pairs, startModel()).model.comparisons['identifier:nid']!;
    for (const p of Object.values(m)) {
      expect(p.m).toBeGreaterThan(0);
      expect(p.m).toBeLessThan(1);
    }
  });

  it('by sessions: a comparison takes its m from the sessions that did not block on it', () => {
    const { pairs } = mixture(5_000, 9);
    const start = startModel();
    const { model, sessions } = estimateMBySessions(
      [
        { pairs, ignore: ['name'] },
        { pairs, ignore: ['identifier:nid'] },
      ],
      start,
    );
    expect(model.comparisons.name).toEqual(sessions[1]!.model.comparisons.name);
    expect(model.comparisons['identifier:nid']).toEqual(sessions[0]!.model.comparisons['identifier:nid']);
    const birth = (k: number) => sessions[k]!.model.comparisons['date:birth']!.exact!.m;
    expect(model.comparisons['date:birth']!.exact!.m).toBeCloseTo((birth(0) + birth(1)) / 2, 12);
  });
});

describe('estimatePrior', () => {
  it('finds λ of the candidate pairs, and scales it to the pairs they were drawn from', () => {
    const { pairs } = mixture(20_000, 10);
    const model = estimateM(pairs, startModel()).model;
    const own = estimatePrior(pairs, { ...model, prior: 0.5 }, { totalPairs: pairs.length });
    const diluted = estimatePrior(pairs, { ...model, prior: 0.5 }, { totalPairs: pairs.length * 100 });
    expect(own.converged).toBe(true);
    expect(Math.abs(own.model.prior - truth.prior)).toBeLessThan(0.01);
    expect(diluted.model.prior).toBeLessThan(own.model.prior / 50);
    expect(() => estimatePrior(pairs, model, { totalPairs: 10 })).toThrow(RangeError);
  });
});

describe('estimateU', () => {
  // 200 records, identifiers nid:0…nid:9 in equal shares: a random pair shares one with probability 19/199.
  const records: ComparableRecord[] = Array.from({ length: 200 }, (_, i) => ({
    names: [`Person${i} Surname${i}`],
    identifiers: [`nid:${String(i % 10).repeat(9)}`],
    dates: {},
  }));
  const expected = 19 / 199;

  it('counts every pair when there are few enough', () => {
    const { model, pairs } = estimateU(records, { rng: mulberry32(1), maxPairs: 1_000_000 }, defaultModel);
    expect(pairs).toBe((200 * 199) / 2);
    expect(model.comparisons['identifier:nid']!.exact!.u).toBeCloseTo(expected, 3);
    // Digits repeated nine times differ in all nine places: never one or two edits.
    expect(model.comparisons['identifier:nid']!.edit1!.u).toBeLessThan(1e-3);
    // …but not rarer than half a pair in the sample: the data cannot tell more.
    expect(model.comparisons['identifier:nid']!.edit1!.u).toBeGreaterThan(0.4 / 19_900);
    // m is not touched: the new comparison starts from its kind's m.
    expect(model.comparisons['identifier:nid']!.exact!.m).toBe(defaultModel.comparisons.identifier!.exact!.m);
  });

  it('samples a bounded number of pairs with the injected PRNG, reproducibly', () => {
    const sample = (seed: number) => estimateU(records, { rng: mulberry32(seed), maxPairs: 5_000 }, defaultModel);
    const a = sample(3);
    expect(a.pairs).toBe(5_000);
    expect(Math.abs(a.model.comparisons['identifier:nid']!.exact!.u - expected)).toBeLessThan(0.015);
    expect(sample(3).model.version).toBe(a.model.version);
    expect(sample(4).model.version).not.toBe(a.model.version);
  });
});

describe('termFrequencies', () => {
  it('gives each token the share of records holding it and prices unlisted tokens no commoner than allowed', () => {
    const names = ['John Smith', 'John Brown', 'Mary Smith', 'John Smith Smith', 'Zed Quux'];
    const tf = termFrequencies(names.map((n) => ({ names: [n], identifiers: [], dates: {} })));
    expect(tf.tokens).toEqual({ john: 0.6, smith: 0.6 });
    expect(tf.unseen).toBe(0.2);
    const top1 = termFrequencies(
      names.map((n) => ({ names: [n], identifiers: [], dates: {} })),
      { maxTokens: 1 },
    );
    expect(Object.keys(top1.tokens)).toEqual(['john']);
    expect(top1.unseen).toBe(0.6);
  });
});

describe('model version', () => {
  it('changes with any parameter and with nothing else', () => {
    const same = withVersion({ ...defaultModel, version: 'whatever' });
    const reordered = withVersion({
      bands: defaultModel.bands,
      comparisons: defaultModel.comparisons,
      prior: defaultModel.prior,
    });
    const nudged = withVersion({
      ...defaultModel,
      comparisons: {
        ...defaultModel.comparisons,
        date: { ...defaultModel.comparisons.date, swap: { m: 0.0201, u: 0.0002 } },
      },
    });
    expect(same.version).toBe(defaultModel.version);
    expect(reordered.version).toBe(defaultModel.version);
    expect(nudged.version).not.toBe(defaultModel.version);
    expect(withVersion({ ...defaultModel, prior: 0.002 }).version).not.toBe(defaultModel.version);
    expect(withVersion({ ...defaultModel, bands: { high: 0.9, mid: 0.5 } }).version).not.toBe(defaultModel.version);
    expect(defaultModel.version).toMatch(/^fs-[0-9a-f]{16}$/);
  });
});
