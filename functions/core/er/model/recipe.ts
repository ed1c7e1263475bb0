/**
 * The training recipe of a tenant's model, from its own records and no labels (train.ts has the estimators):
 * 1. u from random pairs (nearly all non-matches);
 * 2. term frequencies of name tokens;
 * 3. m by EM, one session per blocking rule (a shared name token, identifier, or full date of a type), each leaving
 *    out the comparisons its rule forced to agree, averaged over sessions;
 * 4. the prior λ by EM on the union of the sessions' pairs over all n·(n−1)/2 pairs.
 * Pass records of one kind: a person is never compared with an organisation.
 */
import { mulberry32 } from '../../rng.js';
import { type ComparableRecord, type ComparisonResult, compareRecords } from './comparisons.js';
import { defaultModel } from './defaults.js';
import type { MatchModel } from './model.js';
import { estimateMBySessions, estimatePrior, estimateU, termFrequencies } from './train.js';

/** A record to train on: comparable, with its blocking name tokens. */
export type TrainingRecord = ComparableRecord & { tokens: readonly string[] };

export interface RecipeOptions {
  /** Seed of the random-pair sample (a seed reproduces a model). @default 7 */
  seed?: number;
  /** Random pairs compared for u. @default 200_000 */
  uPairs?: number;
  /**
   * Blocks larger than this are left out of EM: a name token shared by thousands of records is a common name, whose
   * pairs are almost all non-matches and would cost n² comparisons to say so. @default 300
   */
  maxBlock?: number;
  /** The model to start from (its bands are kept). @default defaultModel */
  start?: MatchModel;
}

/** What the recipe did, for the training report and the stored model's summary. */
export interface RecipeStats {
  records: number;
  uPairs: number;
  candidatePairs: number;
  /** Blocks left out for size, per rule. */
  skippedBlocks: Record<string, number>;
  sessions: { rule: string; pairs: number; iterations: number; converged: boolean }[];
  prior: number;
}

interface Rule {
  keys: (r: TrainingRecord) => string[];
  ignore: (present: Set<string>) => string[];
}

const rules: Record<string, Rule> = {
  name: { keys: (r) => [...r.tokens], ignore: () => ['name'] },
  identifier: {
    keys: (r) => [...r.identifiers],
    ignore: (present) => [...present].filter((c) => c.startsWith('identifier:')),
  },
  date: {
    keys: (r) => Object.entries(r.dates).flatMap(([type, value]) => (value.length === 10 ? [`${type}:${value}`] : [])),
    ignore: (present) => [...present].filter((c) => c.startsWith('date:')),
  },
};

/**
 * The pairs each blocking rule of the recipe finds, as `i·n + j` (i < j) per rule, blocks over `maxBlock` left out.
 */
export function blockedPairs(
  records: readonly TrainingRecord[],
  options: { maxBlock: number },
): { byRule: Map<string, number[]>; skippedBlocks: Record<string, number> } {
  const n = records.length;
  const byRule = new Map<string, number[]>();
  const skippedBlocks: Record<string, number> = {};
  for (const [rule, { keys }] of Object.entries(rules)) {
    const blocks = new Map<string, number[]>();
    records.forEach((r, i) => {
      for (const k of new Set(keys(r))) {
        const block = blocks.get(k);
        if (block) block.push(i);
        else blocks.set(k, [i]);
      }
    });
    const pairs = new Set<number>();
    skippedBlocks[rule] = 0;
    for (const members of blocks.values()) {
      if (members.length > options.maxBlock) {
        skippedBlocks[rule]++;
        continue;
      }
      for (let x = 0; x < members.length; x++)
        for (let y = x + 1; y < members.length; y++) pairs.add(members[x]! * n + members[y]!);
    }
    byRule.set(rule, [...pairs]);
  }
  return { byRule, skippedBlocks };
}

/**
 * Trains a model on `records` (one kind).
 *
 * @example
 * const { model, stats } = trainModel(records, { seed: 7 });
 */
export function trainModel(
  records: readonly TrainingRecord[],
  options: RecipeOptions = {},
): { model: MatchModel; stats: RecipeStats } {
  const { seed = 7, uPairs = 200_000, maxBlock = 300, start = defaultModel } = options;
  const n = records.length;
  if (n < 2) throw new RangeError('training needs at least two records');
  const withU = estimateU(records, { rng: mulberry32(seed), maxPairs: uPairs }, start);
  const withTf = { ...withU.model, termFrequencies: termFrequencies(records) };

  const vectors = new Map<number, ComparisonResult[]>();
  const vectorOf = (i: number, j: number) => {
    const k = i * n + j;
    let v = vectors.get(k);
    if (!v) {
      v = compareRecords(records[i]!, records[j]!);
      vectors.set(k, v);
    }
    return v;
  };
  const blocked = blockedPairs(records, { maxBlock });
  const present = new Set<string>();
  const sessions = [...blocked.byRule].map(([rule, keys]) => {
    const compared = keys.map((k) => vectorOf(Math.floor(k / n), k % n));
    for (const v of compared) for (const r of v) present.add(r.comparison);
    return { rule, pairs: compared };
  });
  const trained = estimateMBySessions(
    sessions.map((s) => ({ pairs: s.pairs, ignore: rules[s.rule]!.ignore(present) })),
    withTf,
  );
  const all = [...vectors.values()];
  const prior = estimatePrior(all, trained.model, { totalPairs: (n * (n - 1)) / 2 });
  return {
    model: prior.model,
    stats: {
      records: n,
      uPairs: withU.pairs,
      candidatePairs: all.length,
      skippedBlocks: blocked.skippedBlocks,
      sessions: sessions.map((s, k) => ({
        rule: s.rule,
        pairs: s.pairs.length,
        iterations: trained.sessions[k]!.iterations,
        converged: trained.sessions[k]!.converged,
      })),
      prior: prior.model.prior,
    },
  };
}
