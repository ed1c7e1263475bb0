/**
 * Quality metrics of a clustering against the truth, computed the same way for graphgate and for Splink: pairwise
 * precision / recall / F1 over record pairs placed in one cluster, and B³ (per-record precision and recall of its
 * cluster, averaged). Both come from the contingency of (true cluster, predicted cluster), so no pair list is built.
 */

/** Record id → cluster id. */
export type Clustering = ReadonlyMap<string, string>;

export interface PairwiseScores {
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  /** NaN when nothing was predicted (undefined, never reported as a number). */
  precision: number;
  recall: number;
  f1: number;
}

export interface B3Scores {
  precision: number;
  recall: number;
  f1: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

function sizes(keys: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** Throws unless both clusterings cover exactly the same records: a record missing on one side is a failed reading. */
export function assertSameRecords(truth: Clustering, predicted: Clustering): void {
  const missing = [...truth.keys()].filter((id) => !predicted.has(id));
  const extra = [...predicted.keys()].filter((id) => !truth.has(id));
  if (missing.length || extra.length) {
    throw new Error(
      `clusterings differ in records: ${missing.length} without a prediction (${missing.slice(0, 3).join(', ')}), ` +
        `${extra.length} not in the truth (${extra.slice(0, 3).join(', ')})`,
    );
  }
}

/** Pairwise precision, recall and F1 of `predicted` against `truth` (pairs of records in one cluster). */
export function pairwise(truth: Clustering, predicted: Clustering): PairwiseScores {
  assertSameRecords(truth, predicted);
  const both = sizes([...truth].map(([id, t]) => `${t}\u0000${predicted.get(id)}`));
  const truePositives = [...both.values()].reduce((s, n) => s + pairs(n), 0);
  const truePairs = [...sizes(truth.values()).values()].reduce((s, n) => s + pairs(n), 0);
  const predictedPairs = [...sizes(predicted.values()).values()].reduce((s, n) => s + pairs(n), 0);
  const precision = predictedPairs === 0 ? Number.NaN : truePositives / predictedPairs;
  const recall = truePairs === 0 ? Number.NaN : truePositives / truePairs;
  return { truePairs, predictedPairs, truePositives, precision, recall, f1: f1(precision, recall) };
}

/** B³ precision, recall and F1 (Bagga & Baldwin): each record's share of its cluster that is right, averaged. */
export function bCubed(truth: Clustering, predicted: Clustering): B3Scores {
  assertSameRecords(truth, predicted);
  const trueSize = sizes(truth.values());
  const predSize = sizes(predicted.values());
  const both = sizes([...truth].map(([id, t]) => `${t}\u0000${predicted.get(id)}`));
  let p = 0;
  let r = 0;
  for (const [id, t] of truth) {
    const c = predicted.get(id)!;
    const overlap = both.get(`${t}\u0000${c}`)!;
    p += overlap / predSize.get(c)!;
    r += overlap / trueSize.get(t)!;
  }
  const n = truth.size;
  const precision = n ? p / n : Number.NaN;
  const recall = n ? r / n : Number.NaN;
  return { precision, recall, f1: f1(precision, recall) };
}

/** Every unordered pair of records that share a true cluster. */
export function truePairsOf(truth: Clustering): [string, string][] {
  const byCluster = new Map<string, string[]>();
  for (const [id, c] of truth) byCluster.set(c, [...(byCluster.get(c) ?? []), id]);
  const out: [string, string][] = [];
  for (const ids of byCluster.values()) {
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i]!, ids[j]!]);
  }
  return out;
}

/** Union–find over record or entity ids: the connected components of some links. */
export class Components {
  private readonly parent = new Map<string, string>();

  find(id: string): string {
    let root = id;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    for (let at = id; at !== root; ) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(drop, keep);
  }
}
