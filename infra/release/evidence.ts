import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../local/paths.js';
import { gitState } from './git.js';

/** UTC stamp for file names, e.g. 20261205T152346Z. */
export const fileStamp = (d = new Date()) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * Writes `evidence/<area>/<name>-<stamp>.json` and `<name>-latest.json` (shared/EVIDENCE.md), with the commit, dirty
 * flag and the command that produced it. `root` defaults to the repository (tests pass a temp dir).
 */
export function writeEvidence(
  area: string,
  name: string,
  command: string,
  body: Record<string, unknown>,
  root = repoRoot,
): string {
  const at = new Date();
  const git = gitState();
  const json = {
    name,
    at: at.toISOString(),
    commit: git.commit,
    dirty: git.dirty,
    command,
    machine: { cpus: cpus().length, node: process.version },
    ...body,
  };
  const dir = join(root, 'evidence', area);
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(json, null, 2)}\n`;
  const file = join(dir, `${name}-${fileStamp(at)}.json`);
  writeFileSync(file, text);
  writeFileSync(join(dir, `${name}-latest.json`), text);
  return file;
}

/** Replaces the text between `<!-- last-drill:start -->` and `<!-- last-drill:end -->` in a runbook. */
export function fillLastDrill(runbook: string, line: string): void {
  const text = readFileSync(runbook, 'utf8');
  const re = /(<!-- last-drill:start -->)[\s\S]*?(<!-- last-drill:end -->)/;
  if (!re.test(text)) throw new Error(`${runbook} has no last-drill markers`);
  writeFileSync(runbook, text.replace(re, `$1\n${line}\n$2`));
}
