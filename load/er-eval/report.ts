/**
 * Scores every clustering with the same metric code, prints the table and writes the evidence file
 * (`evidence/er/quality-<UTC>.json` and `quality-latest.json`, shape of shared/EVIDENCE.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/local/paths.js';
import { gitCommit, gitDirty, type Target, target } from '../evidence.js';
import { bCubed, type Clustering, pairwise } from './metrics.js';

export interface QualityCase {
  pairPrecision: number;
  pairRecall: number;
  pairF1: number;
  b3Precision: number;
  b3Recall: number;
  b3F1: number;
  predictedPairs: number;
  truePositives: number;
  truePairs: number;
}

/** Pairwise and B³ scores of one clustering against the truth. */
export function score(truth: Clustering, predicted: Clustering): QualityCase {
  const p = pairwise(truth, predicted);
  const b = bCubed(truth, predicted);
  return {
    pairPrecision: p.precision,
    pairRecall: p.recall,
    pairF1: p.f1,
    b3Precision: b.precision,
    b3Recall: b.recall,
    b3F1: b.f1,
    predictedPairs: p.predictedPairs,
    truePositives: p.truePositives,
    truePairs: p.truePairs,
  };
}

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : Number.NaN);
const show = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

/** The comparison table: one row per clustering. */
export function printTable(cases: Record<string, QualityCase>): void {
  const head = ['case', 'pair P', 'pair R', 'pair F1', 'B3 P', 'B3 R', 'B3 F1', 'pred pairs', 'TP'];
  const rows = Object.entries(cases).map(([k, c]) => [
    k,
    show(c.pairPrecision),
    show(c.pairRecall),
    show(c.pairF1),
    show(c.b3Precision),
    show(c.b3Recall),
    show(c.b3F1),
    String(c.predictedPairs),
    String(c.truePositives),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

export { type Target, target };

/** Writes the evidence JSON (every number rounded to 4 places; an undefined reading is `null`, never 0). */
export function writeEvidence(body: {
  command: string;
  params: Record<string, unknown>;
  cases: Record<string, QualityCase>;
  [more: string]: unknown;
}): string {
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const json = {
    name: 'er-quality',
    at,
    commit: gitCommit(),
    dirty: gitDirty(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      note: '2 cores shared by system under test and load generator',
    },
    ...body,
    cases: Object.fromEntries(
      Object.entries(body.cases).map(([k, c]) => [
        k,
        Object.fromEntries(Object.entries(c).map(([f, v]) => [f, Number.isInteger(v) ? v : r4(v)])),
      ]),
    ),
  };
  const dir = join(repoRoot, 'evidence', 'er');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `quality-${at.replace(/[-:]/g, '')}.json`);
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'quality-latest.json'), text);
  return file;
}
