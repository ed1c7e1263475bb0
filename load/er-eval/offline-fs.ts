/**
 * `npx tsx load/er-eval/offline-fs.ts --people 1000 --seed 7` — an offline indication of the Fellegi–Sunter model
 * (functions/core/er/model) on the labelled generator, without the twin: normalise with the pipeline's normaliser,
 * train with the recipe `npm run er:train` uses (model/recipe.ts; labels are used only to score the result), score
 * the pairs of its blocking rules, cluster (connected components above a
 * threshold, as the Splink rows of `npm run er:eval` are) and print pairwise and B³ quality. Writes nothing; it is
 * not evidence: all pairs of a block are scored here, where the pipeline scores a record against at most
 * `candidateLimit` entities, one at a time, in arrival order.
 */
import { parseArgs } from 'node:util';
import { compareRecords } from '../../functions/core/er/model/comparisons.js';
import { scoreComparisons } from '../../functions/core/er/model/model.js';
import { blockedPairs, type TrainingRecord, trainModel } from '../../functions/core/er/model/recipe.js';
import { normaliseRecord } from '../../functions/core/er/normalise.js';
import { sourceRecordSchema } from '../../functions/core/er/schemas.js';
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
const comparable: TrainingRecord[] = records.map((r) => {
  const source = sourceRecordSchema.parse(toSourceRecord(r));
  return { ...normaliseRecord(source), attributes: source.attributes };
});
const n = records.length;
const t0 = performance.now();
const { model, stats } = trainModel(comparable, { seed });
const trainMs = performance.now() - t0;

// Candidate pairs: the recipe's blocking rules (a shared name token, identifier or full date), no block size bound.
const pairKeys = [...new Set([...blockedPairs(comparable, { maxBlock: n }).byRule.values()].flat())];
const pairs = pairKeys.map((k) => [Math.floor(k / n), k % n] as const);
const truth = new Map(records.map((r) => [r.recordId, r.personId]));
const truePairCount = truePairsOf(truth).length;
const blockedTrue = pairs.filter(([i, j]) => records[i]!.personId === records[j]!.personId).length;
const scored = pairs.map(
  ([i, j]) => scoreComparisons(model, compareRecords(comparable[i]!, comparable[j]!)).probability,
);
const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : (100 * x).toFixed(1).padStart(5));
console.log(
  `${people} people, ${records.length} records, seed ${seed}: ${pairs.length} candidate pairs holding ` +
    `${blockedTrue}/${truePairCount} true pairs; trained in ${(trainMs / 1000).toFixed(1)} s ` +
    `(EM ${stats.sessions.map((x) => `${x.iterations}${x.converged ? '' : '!'}`).join('/')} iterations, λ ${model.prior.toExponential(2)}, ${model.version})`,
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
for (const [id, levels] of Object.entries(model.comparisons)) {
  const row = Object.entries(levels).map(([l, p]) => `${l} ${(p.m / p.u).toPrecision(3)}`);
  console.log(`  Bayes factors ${id}: ${row.join(', ')}`);
}
