/**
 * Policy simulation: replays recorded decision inputs (policies/simulation/inputs.json) against two builds of the
 * policies and reports every decision that changed. The base is the last release (newest `release-*` tag, else HEAD),
 * whose policies are read with `git show <ref>:policies/<file>` and built like the working tree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../../functions/core/json/canonical.js';
import type { PolicyEngine } from '../../../functions/core/policy/engine.js';
import { ENTRYPOINTS } from '../../../functions/core/policy/entrypoints.js';
import { loadWasmPolicyEngine } from '../../../functions/core/policy/wasm-engine.js';
import { repoRoot } from '../paths.js';
import { buildPolicies } from './build.js';

const recordedSchema = z.object({
  inputs: z.array(z.object({ name: z.string(), entrypoint: z.enum(ENTRYPOINTS), input: z.unknown() })),
});
/** One recorded decision input. */
export type RecordedInput = z.infer<typeof recordedSchema>['inputs'][number];

/** Reads and validates the recorded inputs. */
export async function readRecordedInputs(
  file = join(repoRoot, 'policies', 'simulation', 'inputs.json'),
): Promise<RecordedInput[]> {
  return recordedSchema.parse(JSON.parse(await readFile(file, 'utf8'))).inputs;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
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
export async function engineAt(ref: string): Promise<{ engine: PolicyEngine; cleanup: () => Promise<void> } | null> {
  const files = (git(['ls-tree', '--name-only', `${ref}`, 'policies/']) ?? '')
    .split('\n')
    .filter((f) => /^policies\/[^/]+\.rego$/.test(f) || f === 'policies/data.json');
  if (!files.some((f) => f.endsWith('.rego'))) return null;
  const dir = await mkdtemp(join(tmpdir(), 'graphgate-policy-base-'));
  for (const file of files) {
    await writeFile(
      join(dir, file.slice('policies/'.length)),
      execFileSync('git', ['show', `${ref}:${file}`], { cwd: repoRoot }),
    );
  }
  const build = await buildPolicies({ srcDir: dir, outDir: join(dir, 'dist') });
  return { engine: await loadWasmPolicyEngine(build.outDir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A decision without its per-evaluation fields (id, revision), so two builds can be compared; or the error. */
export type ComparableDecision = { value: unknown } | { error: string };

/** Evaluates one recorded input for comparison. */
export function comparable(engine: PolicyEngine, item: RecordedInput): ComparableDecision {
  try {
    const { decision_id: _id, revision: _rev, ...rest } = engine.evaluate(item.entrypoint, item.input);
    return { value: rest };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** One recorded input whose decision differs between the base and the current build. */
export interface ChangedDecision {
  item: RecordedInput;
  before: ComparableDecision;
  after: ComparableDecision;
}

/** Every recorded input whose decision differs between `base` and `current`. */
export function changedDecisions(
  base: PolicyEngine,
  current: PolicyEngine,
  inputs: RecordedInput[],
): ChangedDecision[] {
  return inputs
    .map((item) => ({ item, before: comparable(base, item), after: comparable(current, item) }))
    .filter(({ before, after }) => canonicalJson(before) !== canonicalJson(after));
}

/** A decision as a person reads it: ALLOW/DENY, then each reason with what would unlock it. */
export function explain(label: string, result: ComparableDecision): string {
  if ('error' in result) return `  ${label}: error - ${result.error}`;
  const d = result.value as { allow: boolean; reasons: { rule: string; message: string; unlock: string | null }[] };
  const lines = d.reasons.map((r) => `      ${r.rule}: ${r.message}${r.unlock ? `\n        unlock: ${r.unlock}` : ''}`);
  return [`  ${label}: ${d.allow ? 'ALLOW' : 'DENY'}`, ...lines].join('\n');
}
