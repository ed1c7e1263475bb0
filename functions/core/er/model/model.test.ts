import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidModelError } from '../errors.js';
import type { ComparableRecord } from './comparisons.js';
import { defaultModel } from './defaults.js';
import { levelSets } from './levels.js';
import { assertValidModel, bandOfProbability, type MatchModel, paramsFor, score, scoreComparisons } from './model.js';
import { withVersion } from './version.js';

const person = (over: Partial<ComparableRecord> = {}): ComparableRecord => ({
  names: ['Jane Doe'],
  identifiers: [],
  dates: {},
  attributes: {},
  ...over,
});

describe('score', () => {
  it('turns prior odds and Bayes factors into a probability: 1 / (1 + 2^-weight)', () => {
    // Prepare: prior 0.2 (odds 1:4) and an exact identifier with Bayes factor 0.9 / 0.0001 = 9000.
    const model: MatchModel = { ...defaultModel, prior: 0.2 };
    // Act
    const s = scoreComparisons(model, [{ comparison: 'identifier:nid', level: 'exact' }]);
    // Assess: odds 9000 / 4 = 2250 → 2250 / 2251.
    expect(s.waterfall[0]).toMatchObject({ m: 0.9, u: 0.0001, bayesFactor: 9000 });
    expect(s.probability).toBeCloseTo(2250 / 2251, 12);
    expect(s.matchWeight).toBeCloseTo(Math.log2(2250), 12);
  });

  it('keeps a waterfall whose terms sum to the match weight, and records the model version', () => {
    const a = person({ names: ['Jane A Doe'], identifiers: ['nid:123456789'], dates: { birth: '1980-03-07' } });
    const b = person({ names: ['Doe Jane'], identifiers: ['nid:123456798'], dates: { birth: '1980-07-03' } });
    const s = score(defaultModel, a, b);
    const sum = s.waterfall.reduce((w, step) => w + step.log2bf, s.prior.log2odds);
    expect(s.matchWeight).toBeCloseTo(sum, 12);
    expect(s.waterfall.map((w) => `${w.comparison}=${w.level}`)).toEqual([
      'name=subset',
      'identifier:nid=edit1',
      'date:birth=swap',
      'address=missing',
    ]);
    expect(s.modelVersion).toBe(defaultModel.version);
  });

  it('leaves the probability unchanged when a field is missing on one side (Bayes factor 1)', () => {
    const a = person({ identifiers: ['nid:123456789'] });
    const b = person({ identifiers: ['nid:123456789'] });
    const before = score(defaultModel, a, b);
    const after = score(defaultModel, { ...a, dates: { birth: '1980-03-07' } }, b);
    expect(after.probability).toBe(before.probability);
    expect(after.waterfall.find((w) => w.comparison === 'date:birth')).toMatchObject({
      level: 'missing',
      bayesFactor: 1,
      log2bf: 0,
    });
  });

  it('property: adding a field on which both agree never lowers the probability', () => {
    const name = fc.constantFrom('Jane Doe', 'Doe Jane', 'J Doe', 'Janet Doe', 'Mary Smith');
    const nid = fc.option(fc.constantFrom('nid:123456789', 'nid:123456780', 'nid:987654321'), { nil: undefined });
    const dob = fc.option(fc.constantFrom('1980-03-07', '1980-07-03', '1999-01-01'), { nil: undefined });
    const side = fc
      .record({ name, nid, dob })
      .map((s) => person({ names: [s.name], identifiers: s.nid ? [s.nid] : [], dates: s.dob ? { birth: s.dob } : {} }));
    // The same new field on both sides: another identifier scheme, another date type, or an address.
    const agreeing = fc.constantFrom<(r: ComparableRecord) => ComparableRecord>(
      (r) => ({ ...r, identifiers: [...r.identifiers, 'passport:P1234567'] }),
      (r) => ({ ...r, dates: { ...r.dates, death: '2020-05-06' } }),
      (r) => ({ ...r, attributes: { postcode: 'AB1 2CD', address: '1 High Street', city: 'Upton' } }),
    );
    fc.assert(
      fc.property(side, side, agreeing, (a, b, add) => {
        const base = score(defaultModel, a, b).probability;
        expect(score(defaultModel, add(a), add(b)).probability).toBeGreaterThanOrEqual(base);
        expect(score(defaultModel, add(a), add(b)).matchWeight).toBeGreaterThan(score(defaultModel, a, b).matchWeight);
      }),
      { numRuns: 200 },
    );
  });

  it('prices an exact name by how common its tokens are, bounded below', () => {
    const model: MatchModel = {
      ...defaultModel,
      termFrequencies: { tokens: { john: 0.05, smith: 0.02, zebedee: 0.0001 }, unseen: 0.0001, minU: 1e-6 },
    };
    const common = score(model, person({ names: ['John Smith'] }), person({ names: ['Smith John'] }));
    const rare = score(model, person({ names: ['Zebedee Quux'] }), person({ names: ['Zebedee Quux'] }));
    const nameStep = (s: typeof common) => s.waterfall.find((w) => w.comparison === 'name')!;
    expect(nameStep(common).termFrequencyU).toBeCloseTo(0.001, 12);
    expect(nameStep(rare).termFrequencyU).toBe(1e-6);
    expect(nameStep(common).bayesFactor).toBeCloseTo(0.6 / 0.001, 9);
    expect(nameStep(rare).bayesFactor).toBeCloseTo(0.6 / 1e-6, 6);
    // Without a table the level's own u applies.
    expect(
      nameStep(score(defaultModel, person({ names: ['John Smith'] }), person({ names: ['John Smith'] }))),
    ).toMatchObject({ u: 0.0001, bayesFactor: 0.6 / 0.0001 });
  });
});

describe('the default model', () => {
  it('is valid and each kind’s m and u sum to 1', () => {
    expect(() => assertValidModel(defaultModel)).not.toThrow();
    for (const levels of Object.values(defaultModel.comparisons)) {
      const params = Object.values(levels);
      expect(params.reduce((s, p) => s + p.m, 0)).toBeCloseTo(1, 9);
      expect(params.reduce((s, p) => s + p.u, 0)).toBeCloseTo(1, 9);
    }
  });

  it('bands a name alone as MID and a name with a birth date or identifier as HIGH', () => {
    const a = person({ names: ['Jane Doe'] });
    const b = person({ names: ['Jane Doe'] });
    const band = (x: ComparableRecord, y: ComparableRecord) =>
      bandOfProbability(score(defaultModel, x, y).probability, defaultModel.bands);
    expect(band(a, b)).toBe('MID');
    expect(band({ ...a, dates: { birth: '1980-03-07' } }, { ...b, dates: { birth: '1980-03-07' } })).toBe('HIGH');
    expect(band({ ...a, identifiers: ['nid:1'] }, { ...b, identifiers: ['nid:1'] })).toBe('HIGH');
    expect(band(a, person({ names: ['John Smith'] }))).toBe('LOW');
  });

  it('covers every level of every kind in the default model', () => {
    for (const [kind, levels] of Object.entries(levelSets)) {
      expect(Object.keys(defaultModel.comparisons[kind]!).sort()).toEqual(levels.map((l) => l.id).sort());
    }
  });

  it('falls back from a qualified comparison to its kind', () => {
    expect(paramsFor(defaultModel, 'identifier:lei')).toBe(defaultModel.comparisons.identifier);
  });
});

describe('validation', () => {
  it.each([
    ['an m of 0', { name: { ...defaultModel.comparisons.name, exact: { m: 0, u: 0.1 } } }],
    ['a missing level', { identifier: { exact: { m: 0.9, u: 0.1 } } }],
    ['an unknown kind', { phone: defaultModel.comparisons.identifier! }],
  ])('refuses %s', (_, comparisons) => {
    const model = withVersion({ ...defaultModel, comparisons: { ...defaultModel.comparisons, ...comparisons } });
    expect(() => assertValidModel(model)).toThrow(InvalidModelError);
  });

  it('refuses a model without a kind and bands out of order', () => {
    const { address: _dropped, ...rest } = defaultModel.comparisons;
    expect(() => assertValidModel({ ...defaultModel, comparisons: rest })).toThrow(/address/);
    expect(() => assertValidModel({ ...defaultModel, bands: { high: 0.5, mid: 0.9 } })).toThrow(/bands/);
  });
});
