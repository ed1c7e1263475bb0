/**
 * `npm run er:eval [-- --people 1000 --seed 7]` — entity-resolution quality of graphgate against Splink, same records,
 * same run. A labelled generator (load/er-eval/generator.ts) makes people with 1–5 corrupted records each; graphgate
 * resolves them through the real pipeline (intake API → SQS → ER worker → Neo4j, fresh twin and tenant), Splink
 * (DuckDB, pinned venv) resolves the same rows twice: with every field, and with only the fields graphgate scores.
 * One metric module scores all of them: pairwise P/R/F1, B³, blocking recall; plus events/s end to end. Prints the
 * table and writes evidence/er/quality-<UTC>.json and quality-latest.json. `--quick` is 150 people; a dirty work tree
 * is refused unless `--allow-dirty` (committed evidence never comes from one); `--keep` keeps the twin's logs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultErConfig } from '../functions/core/er/config.js';
import { queues } from '../functions/core/resources/index.js';
import { defaultErConcurrency, defaultWorkerBatches } from '../functions/er-intake/config.js';
import { blockingRecall, columnKeys, graphgateKeys } from './er-eval/blocking.js';
import { generate, householdShare } from './er-eval/generator.js';
import { runGraphgate } from './er-eval/graphgate-run.js';
import { printTable, type QualityCase, score, target, writeEvidence } from './er-eval/report.js';
import { runSplink, splinkVersion } from './er-eval/splink.js';
import { refuseDirtyTree } from './evidence.js';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    quick: { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
  },
});
const people = values.quick ? 150 : Number(values.people);
const seed = Number(values.seed);
if (!Number.isInteger(people) || people < 2 || !Number.isInteger(seed)) {
  throw new Error('--people must be an integer ≥ 2 and --seed an integer');
}
refuseDirtyTree('er:eval', values['allow-dirty']);
/** Splink match probability for an automatic merge, and the lower bound of "worth a review" (match weight 0). */
const splinkThresholds = { auto: 0.95, review: 0.5 };
const command = `npm run er:eval -- ${values.quick ? '--quick' : `--people ${people}`} --seed ${seed}`;
const log = (line: string) => console.log(`[er-eval ${new Date().toISOString().slice(11, 19)}] ${line}`);
const started = Date.now();

const { records } = generate({ people, seed });
const truth = new Map(records.map((r) => [r.recordId, r.personId]));
const corruptionCounts: Record<string, number> = {};
for (const r of records) for (const k of r.corruptions) corruptionCounts[k] = (corruptionCounts[k] ?? 0) + 1;
log(`generated ${people} people, ${records.length} records (seed ${seed})`);

const gg = await runGraphgate(records, {
  runLabel: `${seed}-${Date.now().toString(36)}`,
  timeoutS: Number(values['timeout-s']),
  seed,
  keepLogs: values.keep,
  log,
});
log(`graphgate: ${records.length} events decided in ${gg.wallS.toFixed(1)} s (${gg.eventsPerS.toFixed(1)} events/s)`);

const workDir = mkdtempSync(join(tmpdir(), 'graphgate-er-eval-'));
let splink: ReturnType<typeof runSplink>;
try {
  splink = runSplink(records, { workDir, ...splinkThresholds, seed, log });
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
log(
  `splink ${splink.splinkVersion}: ${Object.entries(splink.models)
    .map(([m, r]) => `${m} ${r.seconds} s`)
    .join(', ')}`,
);

const asMap = (c: Record<string, string>) => new Map(Object.entries(c));
const cases: Record<string, QualityCase> = {
  'graphgate as ingested HIGH': score(truth, gg.asIngested.auto),
  'graphgate as ingested HIGH+MID': score(truth, gg.asIngested.review),
  'graphgate HIGH': score(truth, gg.auto),
  'graphgate HIGH+MID': score(truth, gg.review),
};
for (const [model, r] of Object.entries(splink.models)) {
  cases[`${model} @${splinkThresholds.auto}`] = score(truth, asMap(r.clusters.auto));
  cases[`${model} @${splinkThresholds.review}`] = score(truth, asMap(r.clusters.review));
}
const blocking = {
  graphgate: blockingRecall(records, graphgateKeys),
  splink: blockingRecall(records, columnKeys(['first_name', 'surname', 'dob', 'nid', 'postcode'])),
  'splink-fields': blockingRecall(records, columnKeys(['first_name', 'surname', 'dob', 'nid'])),
};

const high = cases['graphgate HIGH']!;
const highMid = cases['graphgate HIGH+MID']!;
const sAuto = cases[`splink @${splinkThresholds.auto}`]!;
const sReview = cases[`splink @${splinkThresholds.review}`]!;
const fReview = cases[`splink-fields @${splinkThresholds.review}`]!;
/** The bar graphgate must reach: Splink's best pair F1 over its two models at the two thresholds stated up front. */
const [bestSplink, bestSplinkCase] = Object.entries(cases)
  .filter(([k]) => k.startsWith('splink'))
  .map(([k, c]) => [c.pairF1, k] as const)
  .reduce((a, b) => (b[0] > a[0] ? b : a));
const ratios = {
  'graphgate HIGH / splink @0.95 pair F1': high.pairF1 / sAuto.pairF1,
  'graphgate HIGH+MID / splink @0.5 pair F1': highMid.pairF1 / sReview.pairF1,
  'graphgate HIGH+MID / splink-fields @0.5 pair F1': highMid.pairF1 / fReview.pairF1,
  'graphgate HIGH / splink @0.95 B3 F1': high.b3F1 / sAuto.b3F1,
};
const targets = [
  target('graphgate HIGH pair precision', '>=', 0.995, high.pairPrecision),
  target(
    `graphgate HIGH+MID pair F1 vs best splink (${bestSplinkCase}) - 0.005`,
    '>=',
    bestSplink - 0.005,
    highMid.pairF1,
  ),
  target('graphgate cluster (B3) F1, HIGH', '>=', 0.98, high.b3F1),
];

console.log(`\nER quality: ${people} people, ${records.length} records, seed ${seed}\n`);
printTable(cases);
console.log(
  `\nblocking recall (true pairs sharing a blocking key; via person = through the person's other records): ${Object.entries(
    blocking,
  )
    .map(([k, b]) => `${k} ${b.direct.toFixed(4)} (via person ${b.viaPerson.toFixed(4)})`)
    .join(', ')}`,
);
console.log(
  `graphgate bands as ingested ${JSON.stringify(gg.asIngested.bands)}, review candidates ${gg.asIngested.reviewCandidates}; ` +
    `after er:train + er:recluster (${gg.retrain.seconds.toFixed(1)} s, model ${gg.retrain.modelVersion}): ` +
    `${gg.retrain.merges} merges, ${gg.retrain.splits} splits, ${gg.retrain.skipped} skipped, open reviews ${gg.reviewCandidates}`,
);
console.log(
  `end to end: ${gg.eventsPerS.toFixed(1)} events/s (${records.length} events in ${gg.wallS.toFixed(1)} s; ` +
    `half decided by ${gg.decidedByS.p50.toFixed(1)} s, 95% by ${gg.decidedByS.p95.toFixed(1)} s)`,
);
for (const [k, v] of Object.entries(ratios)) console.log(`ratio ${k}: ${v.toFixed(4)}`);
for (const t of targets)
  console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.what} ${t.op} ${t.value.toFixed(4)} (measured ${t.measured})`);

const durationS = (Date.now() - started) / 1000;
const file = writeEvidence({
  command,
  params: {
    people,
    records: records.length,
    truePairs: high.truePairs,
    seed,
    householdShare,
    corruptions: corruptionCounts,
    graphgate: {
      candidateLimit: defaultErConfig.candidateLimit,
      worker:
        `local-worker defaults (WORKER_BATCHES ${defaultWorkerBatches}, WORKER_BATCH_SIZE ${queues.intake.batchSize}, ` +
        `ER_CONCURRENCY ${defaultErConcurrency}, ER_GRAPH_BATCH ${queues.intake.batchSize}), one process`,
      tenant: gg.tenant,
    },
    splink: { version: splink.splinkVersion, pinned: splinkVersion, thresholds: splinkThresholds },
  },
  cases,
  blocking,
  graphgate: {
    bandsAsIngested: gg.asIngested.bands,
    reviewCandidatesAsIngested: gg.asIngested.reviewCandidates,
    retrain: gg.retrain,
    openReviewCandidates: gg.reviewCandidates,
  },
  throughput: {
    model: 'closed (producer POSTs 100 events at a time)',
    events: records.length,
    eventsPerS: gg.eventsPerS,
    wallS: gg.wallS,
    postS: gg.postS,
    decidedByS: gg.decidedByS,
  },
  splinkSeconds: Object.fromEntries(Object.entries(splink.models).map(([m, r]) => [m, r.seconds])),
  ratios,
  targets,
  durationS,
  notes: [
    'HIGH = clusters of auto-merged records; HIGH+MID = as if every open review candidate were accepted (transitive).',
    '"as ingested" = what the pipeline decided with the default (hand-set) model of a new tenant; the other graphgate rows are after `npm run er:train` (the tenant\'s model, trained on its records without labels) and `npm run er:recluster` with it. The targets read the latter.',
    `splink @${splinkThresholds.auto} is its "auto" threshold; @${splinkThresholds.review} (match weight 0) stands for HIGH+MID.`,
    'the HIGH+MID F1 target compares with the best splink pair F1 of the four splink rows (thresholds fixed up front).',
    "cluster F1 is B3 F1; blocking recall reproduces graphgate's rule via core/er normaliseRecord (see load/er-eval/blocking.ts).",
  ],
});
log(`done in ${durationS.toFixed(0)} s; wrote ${file}`);
