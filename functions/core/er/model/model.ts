/**
 * The Fellegi–Sunter match model and its score. Each comparison level carries m = P(level | match) and
 * u = P(level | non-match); a pair's match weight is log2 of the prior odds plus the sum of log2(m/u) over its
 * comparisons, and its probability is 1 / (1 + 2^−weight). The waterfall keeps every term, so a decision shows which
 * field moved it and by how much.
 */
import { InvalidModelError } from '../errors.js';
import { type ComparableRecord, type ComparisonResult, compareRecords } from './comparisons.js';
import { type ComparisonKind, kindOf, levelSets, missingLevel } from './levels.js';

/** m and u of one level. Both lie strictly inside (0, 1) (training smooths counts so neither is ever 0 or 1). */
export interface LevelParams {
  m: number;
  u: number;
}

/** Term frequencies of name tokens: the share of the tenant's records whose names contain each token. */
export interface TermFrequencies {
  tokens: Readonly<Record<string, number>>;
  /** The share assumed for a token the table does not hold (rarer than any it holds). */
  unseen: number;
  /** A frequency-adjusted u never goes below this: one rare name is strong evidence, not proof. */
  minU: number;
  /**
   * The share of records at each address (`postcode|street`) held by more than one record: an address a household
   * or a building shares is weaker evidence than one only this person's records give. Absent in older models.
   */
  addresses?: Readonly<Record<string, number>>;
  /** The share assumed for an address the table does not hold. */
  addressUnseen?: number;
}

/** Probability thresholds of the bands: ≥ high → HIGH (merge), ≥ mid → MID (review), else LOW (new entity). */
export interface ProbabilityBands {
  high: number;
  mid: number;
}

/** A trained (or hand-set) model. `version` is a hash of everything else (see train.ts `withVersion`). */
export interface MatchModel {
  version: string;
  /**
   * λ: the probability that two records drawn at random from the tenant match, before any comparison. Random pairs
   * (not blocking's candidates) because u is measured on random pairs; blocking only spares the work of scoring
   * pairs that would score near 0 anyway.
   */
  prior: number;
  /**
   * Parameters per comparison id, each level of its kind present. A qualified id (`identifier:nid`) falls back to
   * its kind (`identifier`) when the model has no entry of its own, so every model must hold the four kinds.
   */
  comparisons: Readonly<Record<string, Readonly<Record<string, LevelParams>>>>;
  bands: ProbabilityBands;
  termFrequencies?: TermFrequencies;
}

/** The default bands: a merge needs 19:1 odds; a pair at even odds or better is worth a person's look. */
export const defaultBands: ProbabilityBands = { high: 0.95, mid: 0.5 };

/** One comparison's term in the waterfall. `m`, `u` are null for `missing` (Bayes factor 1). */
export interface WaterfallStep {
  comparison: string;
  level: string;
  m: number | null;
  u: number | null;
  bayesFactor: number;
  log2bf: number;
  /** Set when u was replaced by the frequency of the agreeing name tokens. */
  termFrequencyU?: number;
}

/** A scored pair: probability, match weight (log2 odds) and the waterfall that sums to it. */
export interface FsScore {
  probability: number;
  matchWeight: number;
  modelVersion: string;
  prior: { probability: number; log2odds: number };
  waterfall: WaterfallStep[];
}

/** The parameters of a comparison id in a model (its own, else its kind's). */
export function paramsFor(model: MatchModel, comparison: string): Readonly<Record<string, LevelParams>> {
  const own = model.comparisons[comparison] ?? model.comparisons[kindOf(comparison)];
  if (!own) throw new InvalidModelError(`model ${model.version} has no parameters for ${comparison}`, { comparison });
  return own;
}

/** Throws INVALID_MODEL unless every probability is inside (0, 1) and every kind has all its levels. */
export function assertValidModel(model: MatchModel): void {
  const inside = (p: number) => Number.isFinite(p) && p > 0 && p < 1;
  if (!inside(model.prior)) throw new InvalidModelError('prior must lie strictly between 0 and 1');
  if (!(model.bands.mid < model.bands.high && inside(model.bands.mid) && inside(model.bands.high))) {
    throw new InvalidModelError('bands must satisfy 0 < mid < high < 1');
  }
  for (const kind of Object.keys(levelSets) as ComparisonKind[]) {
    if (!model.comparisons[kind]) throw new InvalidModelError(`model lacks the ${kind} comparison`, { kind });
  }
  for (const [comparison, levels] of Object.entries(model.comparisons)) {
    for (const { id } of levelSets[kindOf(comparison)]) {
      const p = levels[id];
      if (!p || !inside(p.m) || !inside(p.u)) {
        throw new InvalidModelError(`${comparison}/${id}: m and u must lie strictly between 0 and 1`, { comparison });
      }
    }
  }
}

const log2odds = (p: number) => Math.log2(p / (1 - p));

/** The u of an exact name agreement priced by how common its tokens are (independent tokens: a product), bounded. */
function termFrequencyU(tf: TermFrequencies, tokens: readonly string[], levelU: number): number {
  if (tokens.length === 0) return levelU;
  const product = tokens.reduce((p, t) => p * (tf.tokens[t] ?? tf.unseen), 1);
  return Math.min(1 - 1e-9, Math.max(tf.minU, product));
}

/** The waterfall step of one comparison result. */
export function stepOf(model: MatchModel, result: ComparisonResult): WaterfallStep {
  const { comparison, level } = result;
  if (level === missingLevel.id) return { comparison, level, m: null, u: null, bayesFactor: 1, log2bf: 0 };
  const p = paramsFor(model, comparison)[level];
  if (!p) throw new InvalidModelError(`model ${model.version} has no level ${level} of ${comparison}`, { comparison });
  const tf = model.termFrequencies;
  if (comparison === 'address' && level === 'exact' && tf?.addresses && result.agreedAddress) {
    const share = tf.addresses[result.agreedAddress] ?? tf.addressUnseen ?? p.u;
    const u = Math.min(1 - 1e-9, Math.max(tf.minU, share));
    return { comparison, level, m: p.m, u: p.u, bayesFactor: p.m / u, log2bf: Math.log2(p.m / u), termFrequencyU: u };
  }
  const exactName = comparison === 'name' && (level === 'exact' || level === 'subset');
  if (exactName && model.termFrequencies && result.agreedTokens) {
    const u = termFrequencyU(model.termFrequencies, result.agreedTokens, p.u);
    return { comparison, level, m: p.m, u: p.u, bayesFactor: p.m / u, log2bf: Math.log2(p.m / u), termFrequencyU: u };
  }
  return { comparison, level, m: p.m, u: p.u, bayesFactor: p.m / p.u, log2bf: Math.log2(p.m / p.u) };
}

/** Scores comparison results already computed (training and tests use this; {@link score} compares first). */
export function scoreComparisons(model: MatchModel, results: readonly ComparisonResult[]): FsScore {
  const waterfall = results.map((r) => stepOf(model, r));
  const priorOdds = log2odds(model.prior);
  const matchWeight = waterfall.reduce((s, w) => s + w.log2bf, priorOdds);
  return {
    probability: 1 / (1 + 2 ** -matchWeight),
    matchWeight,
    modelVersion: model.version,
    prior: { probability: model.prior, log2odds: priorOdds },
    waterfall,
  };
}

/**
 * Scores a pair of records of the same kind.
 *
 * @example
 * const s = score(defaultModel, a, b);
 * s.probability // 0.998
 * s.waterfall   // [{ comparison: 'name', level: 'exact', m: 0.8, u: 0.0002, bayesFactor: 4000, log2bf: 11.97 }, …]
 */
export function score(model: MatchModel, a: ComparableRecord, b: ComparableRecord): FsScore {
  return scoreComparisons(model, compareRecords(a, b));
}

/** The band of a probability under a model's thresholds. */
export function bandOfProbability(probability: number, bands: ProbabilityBands = defaultBands): 'HIGH' | 'MID' | 'LOW' {
  return probability >= bands.high ? 'HIGH' : probability >= bands.mid ? 'MID' : 'LOW';
}
