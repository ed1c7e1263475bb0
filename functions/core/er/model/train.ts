/**
 * Training on a tenant's own records, no labels: u from random pairs (nearly all of them non-matches), m and the
 * prior by expectation–maximisation over candidate pairs with u held fixed, and term frequencies of name tokens.
 * Counts are smoothed towards the starting model's parameters (additive smoothing, a few pseudo-pairs), so no m or u
 * is ever 0 or 1 and a comparison seen in few pairs stays near its default instead of jumping to an extreme.
 * Pass records of one kind: a person is never compared with an organisation.
 */
import {
  addressDigest,
  addressKey,
  addressOf,
  type ComparableRecord,
  type ComparisonResult,
  compareRecords,
} from './comparisons.js';
import { kindOf, levelSets, missingLevel } from './levels.js';
import { type LevelParams, type MatchModel, paramsFor, type TermFrequencies } from './model.js';
import { nameParts } from './names.js';
import { withVersion } from './version.js';

/** How random pairs are drawn: an injected PRNG (seeded by the caller) and a bound on the pairs compared. */
export interface PairSampler {
  rng: () => number;
  maxPairs: number;
}

/** Pseudo-pairs of smoothing: enough to keep a level off 0 and 1, few enough to vanish beside real counts. */
const defaultSmoothing = 10;

type Counts = Map<string, Map<string, number>>;

/**
 * Smoothed estimates from weighted level counts: (count + s·base) / (total + s), base from the starting model, and no
 * level below half an observation, 0.5 / (total + s): a level no pair showed is rare, but the data cannot say it is
 * rarer than that (otherwise m and u of an unseen level, counted over samples of very different sizes, would make a
 * Bayes factor out of nothing). Renormalised to sum to 1.
 */
function smoothed(
  counts: Counts,
  base: MatchModel,
  which: 'm' | 'u',
  s: number,
): Record<string, Record<string, LevelParams>> {
  const out: Record<string, Record<string, LevelParams>> = {};
  for (const [comparison, levels] of counts) {
    const start = paramsFor(base, comparison);
    const total = [...levels.values()].reduce((a, b) => a + b, 0);
    const ids = levelSets[kindOf(comparison)].map((l) => l.id);
    const raw = ids.map((id) =>
      Math.max(((levels.get(id) ?? 0) + s * start[id]![which]) / (total + s), 0.5 / (total + s)),
    );
    const sum = raw.reduce((a, b) => a + b, 0);
    out[comparison] = Object.fromEntries(ids.map((id, k) => [id, { ...start[id]!, [which]: raw[k]! / sum }]));
  }
  return out;
}

function addCount(counts: Counts, r: ComparisonResult, weight: number): void {
  if (r.level === missingLevel.id) return;
  const levels = counts.get(r.comparison) ?? new Map<string, number>();
  levels.set(r.level, (levels.get(r.level) ?? 0) + weight);
  counts.set(r.comparison, levels);
}

/**
 * Estimates u from random pairs of records (pass records of one kind). All pairs are compared when there are at most
 * `maxPairs` of them; otherwise `maxPairs` pairs are drawn with `rng`. Returns `base` with u replaced for every
 * comparison the pairs exercised (m kept; a new qualified comparison starts from its kind's m), re-versioned.
 *
 * @example
 * estimateU(records, { rng: mulberry32(7), maxPairs: 100_000 })
 */
export function estimateU(
  records: readonly ComparableRecord[],
  sampler: PairSampler,
  base: MatchModel,
  smoothing = defaultSmoothing,
): { model: MatchModel; pairs: number } {
  const n = records.length;
  const counts: Counts = new Map();
  let pairs = 0;
  const compare = (i: number, j: number) => {
    for (const r of compareRecords(records[i]!, records[j]!)) addCount(counts, r, 1);
    pairs++;
  };
  if ((n * (n - 1)) / 2 <= sampler.maxPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) compare(i, j);
  } else {
    while (pairs < sampler.maxPairs) {
      const i = Math.floor(sampler.rng() * n);
      const j = Math.floor(sampler.rng() * n);
      if (i !== j) compare(i, j);
    }
  }
  const comparisons = { ...base.comparisons, ...smoothed(counts, base, 'u', smoothing) };
  return { model: withVersion({ ...base, comparisons }), pairs };
}

/** Options of {@link estimateM}. */
export interface EmOptions {
  /** Stop when no m and not the prior moves by more than this in one iteration. @default 1e-6 */
  tolerance?: number;
  /** @default 200 */
  maxIterations?: number;
  /** Pseudo-pairs of smoothing towards the starting m. @default 10 */
  smoothing?: number;
  /**
   * Comparisons left out of the E step and not re-estimated: those the candidate pairs were blocked on, whose
   * agreement blocking forced rather than the match status (as Splink does per blocking rule).
   */
  ignore?: readonly string[];
}

/** What EM returns: the trained model, how many iterations ran, and whether it met the tolerance. */
export interface EmResult {
  model: MatchModel;
  iterations: number;
  converged: boolean;
}

const clampP = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));

/**
 * Estimates m per level and the prior λ by expectation–maximisation over candidate pairs' comparisons, u fixed.
 * E step: each pair's posterior match probability under the current m, u, λ. M step: m = posterior-weighted share of
 * each level among pairs where the comparison is not missing; λ = mean posterior.
 */
export function estimateM(
  pairs: readonly (readonly ComparisonResult[])[],
  start: MatchModel,
  options: EmOptions = {},
): EmResult {
  const { tolerance = 1e-6, maxIterations = 200, smoothing = defaultSmoothing, ignore = [] } = options;
  const skip = new Set(ignore);
  const used = pairs.map((p) => p.filter((r) => r.level !== missingLevel.id && !skip.has(r.comparison)));
  let model = start;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const counts: Counts = new Map();
    const priorOdds = Math.log2(model.prior / (1 - model.prior));
    let posteriorSum = 0;
    for (const results of used) {
      let weight = priorOdds;
      for (const r of results) {
        const p = paramsFor(model, r.comparison)[r.level]!;
        weight += Math.log2(p.m / p.u);
      }
      const posterior = 1 / (1 + 2 ** -weight);
      posteriorSum += posterior;
      for (const r of results) addCount(counts, r, posterior);
    }
    const comparisons = { ...model.comparisons, ...smoothed(counts, start, 'm', smoothing) };
    const prior = clampP(posteriorSum / Math.max(1, used.length));
    let change = Math.abs(prior - model.prior);
    for (const [id, levels] of Object.entries(comparisons)) {
      const before = model.comparisons[id] ?? paramsFor(model, id);
      for (const [level, p] of Object.entries(levels)) change = Math.max(change, Math.abs(p.m - before[level]!.m));
    }
    converged = change < tolerance;
    model = { ...model, prior, comparisons };
  }
  return { model: withVersion(model), iterations, converged };
}

/**
 * Term frequencies of name tokens: the share of records whose names hold each token. Keeps the `maxTokens` most
 * common tokens seen at least twice (a once-seen token's share is noise); any other token gets `unseen`, the share of
 * the commonest token left out, so an unlisted token is never priced as commoner than it could be.
 */
export function termFrequencies(
  records: readonly ComparableRecord[],
  options: { maxTokens?: number; minU?: number } = {},
): TermFrequencies {
  const { maxTokens = 10_000, minU = 1e-6 } = options;
  const counts = new Map<string, number>();
  for (const r of records) {
    for (const t of new Set(r.names.flatMap(nameParts))) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const n = Math.max(1, records.length);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = sorted.filter(([, c]) => c >= 2).slice(0, maxTokens);
  const firstLeftOut = sorted[kept.length]?.[1] ?? 1;
  // Addresses held by two or more records, by a digest of the key (the model stores no street lines).
  const places = new Map<string, number>();
  for (const r of records) {
    const own = r.addresses?.length ? r.addresses : [addressOf(r.attributes)];
    for (const key of new Set(own.filter((a) => a.postcode || a.street).map(addressKey))) {
      const digest = addressDigest(key);
      places.set(digest, (places.get(digest) ?? 0) + 1);
    }
  }
  const shared = [...places].filter(([, c]) => c >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    tokens: Object.fromEntries(kept.map(([t, c]) => [t, c / n])),
    unseen: firstLeftOut / n,
    minU,
    addresses: Object.fromEntries(shared.slice(0, maxTokens).map(([k, c]) => [k, c / n])),
    addressUnseen: 1 / n,
  };
}

/** One EM session: candidate pairs found by one blocking rule, and the comparisons that rule forced to agree. */
export interface EmSession {
  pairs: readonly (readonly ComparisonResult[])[];
  ignore: readonly string[];
}

/**
 * m from several EM sessions, one per blocking rule: a comparison's m is the mean of its estimates from the sessions
 * that did not block on it. Blocking on names makes nearly every non-match agree on part of a name, which u from
 * random pairs cannot know; a session that ignores the name (and the others that block on dates or identifiers and
 * do estimate it) keeps that from reading as evidence of a match. The prior is left as `start` has it (see
 * {@link estimatePrior}).
 */
export function estimateMBySessions(
  sessions: readonly EmSession[],
  start: MatchModel,
  options: Omit<EmOptions, 'ignore'> = {},
): { model: MatchModel; sessions: EmResult[] } {
  const results = sessions.map((s) => estimateM(s.pairs, start, { ...options, ignore: s.ignore }));
  const sums: Record<string, Record<string, { m: number; n: number }>> = {};
  sessions.forEach((s, k) => {
    const seen = new Set(s.pairs.flatMap((p) => p.filter((r) => r.level !== missingLevel.id).map((r) => r.comparison)));
    for (const comparison of seen) {
      if (s.ignore.includes(comparison)) continue;
      const levels = paramsFor(results[k]!.model, comparison);
      sums[comparison] ??= {};
      for (const [level, p] of Object.entries(levels)) {
        const acc = sums[comparison][level] ?? { m: 0, n: 0 };
        sums[comparison][level] = { m: acc.m + p.m, n: acc.n + 1 };
      }
    }
  });
  const comparisons = { ...start.comparisons };
  for (const [comparison, levels] of Object.entries(sums)) {
    const base = paramsFor(start, comparison);
    comparisons[comparison] = Object.fromEntries(
      Object.entries(levels).map(([level, { m, n }]) => [level, { ...base[level]!, m: m / n }]),
    );
  }
  return { model: withVersion({ ...start, comparisons }), sessions: results };
}

/**
 * The prior λ (the probability that two random records match) by EM on λ alone, m and u fixed: λ = the expected
 * number of matches among the candidate pairs over `totalPairs`, the pairs they were drawn from (n·(n−1)/2 for n
 * records), iterated to a fixed point. Pairs blocking did not return count as non-matches. λ is a random-pair prior
 * because u is a random-pair rate: a prior of candidate pairs would count the agreement blocking selected for twice.
 */
export function estimatePrior(
  pairs: readonly (readonly ComparisonResult[])[],
  model: MatchModel,
  options: Pick<EmOptions, 'tolerance' | 'maxIterations'> & { totalPairs: number },
): EmResult {
  const { tolerance = 1e-9, maxIterations = 500, totalPairs } = options;
  if (!(totalPairs >= pairs.length && totalPairs > 0)) throw new RangeError('totalPairs must be ≥ the candidate pairs');
  // The evidence of each pair does not change while only λ moves: sum it once.
  const evidence = pairs.map((results) =>
    results.reduce((w, r) => {
      if (r.level === missingLevel.id) return w;
      const p = paramsFor(model, r.comparison)[r.level]!;
      return w + Math.log2(p.m / p.u);
    }, 0),
  );
  let prior = model.prior;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const odds = Math.log2(prior / (1 - prior));
    const next = clampP(evidence.reduce((s, w) => s + 1 / (1 + 2 ** -(odds + w)), 0) / totalPairs);
    converged = Math.abs(next - prior) < tolerance * prior;
    prior = next;
  }
  return { model: withVersion({ ...model, prior }), iterations, converged };
}
