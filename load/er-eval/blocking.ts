/**
 * Blocking recall: the share of true pairs the blocking step would even compare.
 *
 * graphgate's rule is reproduced from its own functions, not re-implemented: each record goes through the intake schema,
 * `normaliseRecord` and `blockingQuery` (core/er), whose name tokens, canonical identifiers and extra keys (phonetic
 * codes, identifier halves, full dates both ways, postcode) are exactly what the `entity_blocking_v3` keyword index
 * holds and what `blockingCandidatesTx` queries with. Two records meet in blocking when they share one key. What the
 * pair rule leaves out: the query runs against entities, which after a merge carry the keys of all their records (so
 * a pair can also meet through a third record, counted in `viaPerson`), and it keeps only the best `candidateLimit`
 * (50) entities by Lucene score.
 */
import { blockingQuery } from '../../functions/core/er/blocking.js';
import { normaliseRecord } from '../../functions/core/er/normalise.js';
import { sourceRecordSchema } from '../../functions/core/er/schemas.js';
import { type LabelledRecord, toSourceRecord } from './generator.js';
import { Components, truePairsOf } from './metrics.js';

/** Blocking keys of one record, as graphgate derives them. */
export function graphgateKeys(r: LabelledRecord): Set<string> {
  const source = sourceRecordSchema.parse(toSourceRecord(r));
  const q = blockingQuery(normaliseRecord(source), source.attributes);
  return new Set([...q.tokens.map((t) => `name:${t}`), ...q.identifiers.map((i) => `id:${i}`), ...q.keys]);
}

/** Blocking keys of one record under Splink's prediction rules: exact equality of any blocked column (nulls never). */
export function columnKeys(columns: readonly string[]) {
  return (r: LabelledRecord): Set<string> => {
    const row: Record<string, string | null> = {
      first_name: r.fields.given,
      surname: r.fields.family,
      dob: r.fields.dob,
      nid: r.fields.nid,
      postcode: r.fields.address.postcode,
    };
    return new Set(columns.flatMap((c) => (row[c] == null ? [] : [`${c}:${row[c]}`])));
  };
}

export interface BlockingRecall {
  truePairs: number;
  /** Share of true pairs whose two records share a blocking key. */
  direct: number;
  /** Share of true pairs joined by a chain of key-sharing records of the same person (what merged entities allow). */
  viaPerson: number;
}

/** Blocking recall of a key function over the true pairs of `records`. */
export function blockingRecall(records: readonly LabelledRecord[], keys: (r: LabelledRecord) => Set<string>) {
  const byId = new Map(records.map((r) => [r.recordId, { r, keys: keys(r) }]));
  const truth = new Map(records.map((r) => [r.recordId, r.personId]));
  const pairs = truePairsOf(truth);
  const meets = ([a, b]: [string, string]) => {
    const ka = byId.get(a)!.keys;
    for (const k of byId.get(b)!.keys) if (ka.has(k)) return true;
    return false;
  };
  const chains = new Components();
  let direct = 0;
  for (const p of pairs) {
    if (!meets(p)) continue;
    direct++;
    chains.union(p[0], p[1]);
  }
  const viaPerson = pairs.filter(([a, b]) => chains.find(a) === chains.find(b)).length;
  const share = (n: number) => (pairs.length ? n / pairs.length : Number.NaN);
  return { truePairs: pairs.length, direct: share(direct), viaPerson: share(viaPerson) } satisfies BlockingRecall;
}
