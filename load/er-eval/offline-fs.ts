/**
 * `npx tsx load/er-eval/offline-fs.ts --people 1000 --seed 7` — an offline indication of the Fellegi–Sunter model
 * (functions/core/er/model) on the labelled generator, without the twin: normalise with the pipeline's normaliser,
 * block (a shared name token, identifier or birth date), train u, term frequencies and m on the records themselves
 * (labels are used only to score the result), score the candidate pairs, cluster (connected components above a
 * threshold, as the Splink rows of `npm run er:eval` are) and print pairwise and B³ quality. Writes nothing; it is
 * not evidence: all pairs of a block are scored here, where the pipeline scores a record against at most
 * `candidateLimit` entities, one at a time, in arrival order.
 */
import { parseArgs } from 'node:util';
import { type ComparableRecord, compareRecords } from '../../functions/core/er/model/comparisons.js';
import { defaultModel } from '../../functions/core/er/model/defaults.js';
import { scoreComparisons } from '../../functions/core/er/model/model.js';
import { estimateMBySessions, estimatePrior, estimateU, termFrequencies } from '../../functions/core/er/model/train.js';
import { normaliseRecord } from '../../functions/core/er/normalise.js';
import { sourceRecordSchema } from '../../functions/core/er/schemas.js';
import { mulberry32 } from '../../infra/local/seed/names.js';
import { generate, toSourceRecord } from './generator.js';
import { bCubed, Components, pairwise, truePairsOf } from './metrics.js';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } },
});
const people = Number(values.people);
const seed = Number(values.seed);
if (!Number.isInteger(people) || people < 2 || !Number.isInteger(seed)) {
  throw new Error('--people must be an integer ≥ 2 and --seed an integer');
}

const { records } = generate({ people, seed });
const ids = records.map((r) => r.recordId);
type Indexed = ComparableRecord & { tokens: string[] };
const comparable: Indexed[] = records.map((r) => {
  const source = sourceRecordSchema.parse(toSourceRecord(r));
  return { ...normaliseRecord(source), attributes: source.attributes };
});

// Blocking: records meet when they share a name token, a canonical identifier (any scheme) or a date of one type (the
// generator's records carry one scheme, nid, and one date type, birth). Each rule is also an EM session that leaves
// out the comparisons it forced to agree.
const present = (prefix: string, of: (r: Indexed) => string[]) => [
  ...new Set(comparable.flatMap((r) => of(r).map((x) => `${prefix}:${x}`))),
];
const rules = {
  name: { ignore: ['name'], keys: (r: Indexed) => r.tokens },
  identifier: {
    ignore: present('identifier', (r) => r.identifiers.map((i) => i.slice(0, i.indexOf(':')))),
    keys: (r: Indexed) => r.identifiers,
  },
  date: {
    ignore: present('date', (r) => Object.keys(r.dates)),
    keys: (r: Indexed) => Object.entries(r.dates).map(([type, value]) => `${type}:${value}`),
  },
};
const n = records.length;
const byRule = new Map<string, Set<number>>();
for (const [rule, { keys }] of Object.entries(rules)) {
  const blocks = new Map<string, number[]>();
  comparable.forEach((r, i) => {
    for (const k of keys(r)) blocks.set(k, [...(blocks.get(k) ?? []), i]);
  });
  const set = new Set<number>();
  for (const members of blocks.values()) {
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) set.add(members[x]! * n + members[y]!);
  }
  byRule.set(rule, set);
}
const pairKeys = [...new Set([...byRule.values()].flatMap((s) => [...s]))];
const pairs = pairKeys.map((k) => [Math.floor(k / n), k % n] as const);
const truth = new Map(records.map((r) => [r.recordId, r.personId]));
const truePairCount = truePairsOf(truth).length;
const blockedTrue = pairs.filter(([i, j]) => records[i]!.personId === records[j]!.personId).length;

const t0 = performance.now();
const withU = estimateU(comparable, { rng: mulberry32(seed), maxPairs: 200_000 }, defaultModel).model;
const withTf = { ...withU, termFrequencies: termFrequencies(comparable) };
const vectorOf = new Map<number, ReturnType<typeof compareRecords>>();
for (const k of pairKeys) vectorOf.set(k, compareRecords(comparable[Math.floor(k / n)]!, comparable[k % n]!));
const sessions = Object.entries(rules).map(([rule, { ignore }]) => ({
  ignore,
  pairs: [...byRule.get(rule)!].map((k) => vectorOf.get(k)!),
}));
const trainedM = estimateMBySessions(sessions, withTf);
const vectors = pairKeys.map((k) => vectorOf.get(k)!);
const em = estimatePrior(vectors, trainedM.model, { totalPairs: (n * (n - 1)) / 2 });
const trainMs = performance.now() - t0;

const scored = vectors.map((v) => scoreComparisons(em.model, v).probability);
const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : (100 * x).toFixed(1).padStart(5));
console.log(
  `${people} people, ${records.length} records, seed ${seed}: ${pairs.length} candidate pairs holding ` +
    `${blockedTrue}/${truePairCount} true pairs; trained in ${(trainMs / 1000).toFixed(1)} s ` +
    `(EM ${trainedM.sessions.map((x) => `${x.iterations}${x.converged ? '' : '!'}`).join('/')} iterations, λ ${em.model.prior.toExponential(2)}, ${em.model.version})`,
);
console.log('threshold  pairP  pairR  pairF1 |  b3P   b3R   b3F1 | predicted pairs');
for (const threshold of [0.95, 0.9, 0.6]) {
  const c = new Components();
  pairs.forEach(([i, j], k) => {
    if (scored[k]! >= threshold) c.union(ids[i]!, ids[j]!);
  });
  const predicted = new Map(ids.map((id) => [id, c.find(id)]));
  const p = pairwise(truth, predicted);
  const b = bCubed(truth, predicted);
  console.log(
    `   ${threshold.toFixed(2)}    ${pct(p.precision)}  ${pct(p.recall)}  ${pct(p.f1)} | ${pct(b.precision)} ${pct(b.recall)} ${pct(b.f1)} | ${p.predictedPairs}`,
  );
}
for (const [id, levels] of Object.entries(em.model.comparisons)) {
  const row = Object.entries(levels).map(([l, p]) => `${l} ${(p.m / p.u).toPrecision(3)}`);
  console.log(`  Bayes factors ${id}: ${row.join(', ')}`);
}
