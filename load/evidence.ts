import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../infra/local/paths.js';

/** Latency summary of one case (milliseconds from a high-resolution clock; percentiles from all samples). */
export interface CaseResult {
  n: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mean_ms: number;
  errors: number;
  [extra: string]: number;
}

export interface Target {
  what: string;
  op: '<=' | '>=';
  value: number;
  measured: number;
  pass: boolean;
}

/** Nearest-rank percentile over all samples. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** `x` rounded to `d` decimals (3 by default: microseconds of a millisecond figure), for evidence JSON. */
export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Summarises samples (ms) taken over `wallMs`. */
export function summarise(samples: number[], wallMs: number, errors = 0): CaseResult {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return {
    n: samples.length,
    rps: round((samples.length / wallMs) * 1000, 1),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    mean_ms: round(mean),
    errors,
  };
}

/** Thrown when a reading a case needs could not be taken: the case fails, it is never recorded as zero. */
export class MissingReadingError extends Error {
  override name = 'MissingReadingError';
}

/**
 * The readings of a case, all of them: throws {@link MissingReadingError} when any is missing (undefined, NaN) or
 * when fewer than `expected` were taken (a processed event without a lag sample, an event that never came back).
 * @example const lags = requireReadings('lag at 2x', results.map((r) => r.lagMs), offered);
 */
export function requireReadings(what: string, readings: readonly (number | undefined)[], expected: number): number[] {
  const missing = readings.filter((r) => r === undefined || Number.isNaN(r)).length;
  if (missing > 0) throw new MissingReadingError(`${what}: ${missing} of ${readings.length} readings missing`);
  if (readings.length < expected)
    throw new MissingReadingError(`${what}: ${readings.length} readings, expected ${expected}`);
  return readings as number[];
}

export function target(what: string, op: '<=' | '>=', value: number, measured: number): Target {
  return { what, op, value, measured: round(measured), pass: op === '<=' ? measured <= value : measured >= value };
}

/** The checked-out commit, recorded in every evidence file (`uncommitted` outside a git checkout). */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'uncommitted';
  }
}

/** Whether the work tree has uncommitted changes (evidence from a dirty tree is never committed). */
export function gitDirty(): boolean {
  try {
    return execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim().length > 0;
  } catch {
    return true;
  }
}

/**
 * Refuses to run on a work tree with uncommitted changes unless `allowDirty` (`--allow-dirty`): evidence names the
 * commit it measured, and a dirty tree's figures belong to no commit. Every evidence file records `dirty` as well.
 */
export function refuseDirtyTree(command: string, allowDirty: boolean): boolean {
  commitAtStart = gitCommit();
  dirtyAtStart = gitDirty();
  if (dirtyAtStart && !allowDirty) {
    console.error(`${command}: the work tree has uncommitted changes; commit first or pass --allow-dirty`);
    process.exit(2);
  }
  return dirtyAtStart;
}
let dirtyAtStart: boolean | undefined;
let commitAtStart: string | undefined;

/** Whether the run's tree was dirty: as {@link refuseDirtyTree} found it when the run started, else as it is now. */
export function runDirty(): boolean {
  return dirtyAtStart ?? gitDirty();
}

/** The commit the run measured: HEAD when {@link refuseDirtyTree} checked the tree at the start, else HEAD now. */
export function runCommit(): string {
  return commitAtStart ?? gitCommit();
}

/** Prints the table and writes evidence/perf/<name>-<UTC>.json and <name>-latest.json (../shared/EVIDENCE.md). */
export function report(args: {
  name: string;
  command: string;
  params: Record<string, unknown>;
  cases: Record<string, CaseResult>;
  ratios: Record<string, number>;
  targets: Target[];
  notes?: string[];
  /** Folder under evidence/ (default `perf`). */
  area?: string;
  /** More top-level fields (written after `targets`). */
  extra?: Record<string, unknown>;
}): string {
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const rows = Object.entries(args.cases).map(([k, c]) => [k, c.n, c.rps, c.p50_ms, c.p95_ms, c.p99_ms, c.errors]);
  const head = ['case', 'n', 'rps', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => r.map((v, i) => String(v).padStart(widths[i]!)).join('  ');
  console.log(`\n${args.name} @ ${at}`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  for (const [k, v] of Object.entries(args.ratios)) console.log(`ratio ${k}: ${v}`);
  for (const t of args.targets)
    console.log(`${t.pass ? 'PASS' : 'MISS'}  ${t.what} ${t.op} ${t.value} (measured ${t.measured})`);
  for (const n of args.notes ?? []) console.log(`note: ${n}`);
  const json = {
    name: args.name,
    at,
    commit: runCommit(),
    dirty: runDirty(),
    command: args.command,
    machine: { cpus: cpus().length, node: process.version },
    params: args.params,
    cases: args.cases,
    ratios: Object.fromEntries(Object.entries(args.ratios).map(([k, v]) => [k, round(v)])),
    targets: args.targets,
    notes: args.notes ?? [],
    ...args.extra,
  };
  const dir = join(repoRoot, 'evidence', args.area ?? 'perf');
  mkdirSync(dir, { recursive: true });
  const stamp = at.replace(/[-:]/g, '').replace(/Z$/, 'Z');
  const file = join(dir, `${args.name}-${stamp}.json`);
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, `${args.name}-latest.json`), text);
  console.log(`wrote ${file}`);
  return file;
}
