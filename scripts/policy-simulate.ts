/**
 * Replays recorded decision inputs (policies/simulation/inputs.json) against the working-tree
 * policies and the last released bundle, and prints every decision that changed with both explains.
 * The last release is the newest git tag matching release-*, else HEAD; its policies are read with
 * `git show <ref>:policies/<file>` and built like the working tree.
 *
 *   tsx scripts/policy-simulate.ts [--base <ref>] [--fail-on-change]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { canonicalJson } from '../functions/core/policy/canonical.js';
import type { PolicyEngine } from '../functions/core/policy/engine.js';
import { ENTRYPOINTS } from '../functions/core/policy/entrypoints.js';
import { loadWasmPolicyEngine } from '../functions/core/policy/wasm-engine.js';
import { buildPolicies } from './build-policies.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

const recordedSchema = z.object({
  inputs: z.array(z.object({ name: z.string(), entrypoint: z.enum(ENTRYPOINTS), input: z.unknown() })),
});
/** One recorded decision input. */
export type RecordedInput = z.infer<typeof recordedSchema>['inputs'][number];

/** Reads and validates the recorded inputs. */
export async function readRecordedInputs(
  file = join(ROOT, 'policies', 'simulation', 'inputs.json'),
): Promise<RecordedInput[]> {
  return recordedSchema.parse(JSON.parse(await readFile(file, 'utf8'))).inputs;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** The ref of the last release: newest release-* tag, else HEAD; null when there are no commits. */
export function lastReleaseRef(): string | null {
  const tag = git(['tag', '--list', 'release-*', '--sort=-creatordate'])?.split('\n')[0];
  if (tag) return tag;
  return git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']) ? 'HEAD' : null;
}

/** Builds the policies as they are at `ref` into a temp dir; null when the ref has no policies. */
async function engineAt(ref: string): Promise<{ engine: PolicyEngine; cleanup: () => Promise<void> } | null> {
  const files = (git(['ls-tree', '--name-only', `${ref}`, 'policies/']) ?? '')
    .split('\n')
    .filter((f) => /^policies\/[^/]+\.rego$/.test(f) || f === 'policies/data.json');
  if (!files.some((f) => f.endsWith('.rego'))) return null;
  const dir = await mkdtemp(join(tmpdir(), 'graphgate-policy-base-'));
  for (const file of files) {
    await writeFile(
      join(dir, file.slice('policies/'.length)),
      execFileSync('git', ['show', `${ref}:${file}`], { cwd: ROOT }),
    );
  }
  const build = await buildPolicies({ srcDir: dir, outDir: join(dir, 'dist') });
  return { engine: await loadWasmPolicyEngine(build.outDir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A decision without its per-evaluation fields, for comparison. */
function comparable(engine: PolicyEngine, item: RecordedInput): { value: unknown } | { error: string } {
  try {
    const { decision_id: _id, revision: _rev, ...rest } = engine.evaluate(item.entrypoint, item.input);
    return { value: rest };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function explain(label: string, result: { value: unknown } | { error: string }): string {
  if ('error' in result) return `  ${label}: error - ${result.error}`;
  const d = result.value as { allow: boolean; reasons: { rule: string; message: string; unlock: string | null }[] };
  const lines = d.reasons.map((r) => `      ${r.rule}: ${r.message}${r.unlock ? `\n        unlock: ${r.unlock}` : ''}`);
  return [`  ${label}: ${d.allow ? 'ALLOW' : 'DENY'}`, ...lines].join('\n');
}

async function main() {
  const baseFlag = process.argv.indexOf('--base');
  const inputs = await readRecordedInputs();
  const current = await loadWasmPolicyEngine((await buildPolicies()).outDir);
  const ref = baseFlag >= 0 ? (process.argv[baseFlag + 1] ?? null) : lastReleaseRef();

  if (!ref) {
    const errors = inputs.filter((i) => 'error' in comparable(current, i));
    console.log(
      'policy:simulate: no released bundle to compare against - the repository has no commits and no release-* tag.',
    );
    console.log(`Evaluated ${inputs.length} recorded inputs against the working tree: ${errors.length} errors.`);
    process.exit(errors.length > 0 ? 1 : 0);
  }
  const base = await engineAt(ref);
  if (!base) {
    console.log(
      `policy:simulate: ${ref} has no policies/ sources, so every one of the ${inputs.length} decisions is new.`,
    );
    return;
  }
  let changed = 0;
  try {
    for (const item of inputs) {
      const before = comparable(base.engine, item);
      const after = comparable(current, item);
      if (canonicalJson(before) === canonicalJson(after)) continue;
      changed++;
      console.log(`\nCHANGED ${item.name} (${item.entrypoint})`);
      console.log(explain(`released (${ref})`, before));
      console.log(explain('working tree', after));
    }
  } finally {
    await base.cleanup();
  }
  console.log(
    `\n${changed} of ${inputs.length} decisions changed between ${ref} (revision ${base.engine.revision.slice(0, 12)}) and the working tree (revision ${current.revision.slice(0, 12)}).`,
  );
  if (changed > 0 && process.argv.includes('--fail-on-change')) process.exit(2);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
