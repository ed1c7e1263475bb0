/**
 * The Splink baseline: a Python venv under the machine cache (`~/.cache/graphgate/splink-<version>`) installed from
 * the pinned requirements on first use, then splink_baseline.py on the same records (without labels). Its output is
 * each record's cluster per model and threshold, scored by the TypeScript metrics like graphgate's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot } from '../../infra/local/paths.js';
import { type LabelledRecord, toSplinkRow } from './generator.js';

export const splinkVersion = '4.0.17';
const here = join(repoRoot, 'load', 'er-eval');
const venv = join(cacheDir, `splink-${splinkVersion}`);
const python = join(venv, 'bin', 'python');

export interface SplinkModelResult {
  seconds: number;
  pairsScored: number;
  clusters: { auto: Record<string, string>; review: Record<string, string> };
}

export interface SplinkResult {
  splinkVersion: string;
  auto: number;
  review: number;
  models: Record<string, SplinkModelResult>;
}

/** Creates the venv and installs the pinned requirements unless an earlier run did (marker file written last). */
export function ensureSplink(log: (line: string) => void): string {
  const marker = join(venv, '.installed');
  const requirements = readFileSync(join(here, 'splink-requirements.txt'), 'utf8');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === requirements) return python;
  log(`installing splink ${splinkVersion} into ${venv}`);
  const base = process.env.PYTHON ?? 'python3.11';
  if (!existsSync(python)) execFileSync(base, ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '-q', '-r', join(here, 'splink-requirements.txt')], {
    stdio: 'inherit',
  });
  writeFileSync(marker, requirements);
  return python;
}

/** Runs both Splink models on `records`; `workDir` holds the input and output files. */
export function runSplink(
  records: readonly LabelledRecord[],
  o: { workDir: string; auto: number; review: number; seed: number; log: (line: string) => void },
): SplinkResult {
  const py = ensureSplink(o.log);
  const input = join(o.workDir, 'splink-records.jsonl');
  const output = join(o.workDir, 'splink-clusters.json');
  writeFileSync(input, `${records.map((r) => JSON.stringify(toSplinkRow(r))).join('\n')}\n`);
  const args = [
    join(here, 'splink_baseline.py'),
    input,
    output,
    '--auto',
    String(o.auto),
    '--review',
    String(o.review),
  ];
  const logFile = join(o.workDir, 'splink.log');
  const run = spawnSync(py, [...args, '--seed', String(o.seed)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  writeFileSync(logFile, `${run.stdout ?? ''}\n${run.stderr ?? ''}`);
  if (run.status !== 0) throw new Error(`splink baseline exited ${run.status ?? run.signal}; log: ${logFile}`);
  return JSON.parse(readFileSync(output, 'utf8')) as SplinkResult;
}
