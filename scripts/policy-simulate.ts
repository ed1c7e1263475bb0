/**
 * `npm run policy:simulate [-- --base <ref>] [--fail-on-change]`: replays the recorded decision inputs against the
 * working-tree policies and the last released bundle (infra/local/policies/simulate.ts) and prints every decision that
 * changed with both explains. `--fail-on-change` exits 2 when any did.
 */
import { loadWasmPolicyEngine } from '../functions/core/policy/wasm-engine.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import {
  changedDecisions,
  comparable,
  engineAt,
  explain,
  lastReleaseRef,
  readRecordedInputs,
} from '../infra/local/policies/simulate.js';

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
  process.exit(0);
}
let changed: ReturnType<typeof changedDecisions>;
try {
  changed = changedDecisions(base.engine, current, inputs);
} finally {
  await base.cleanup();
}
for (const { item, before, after } of changed) {
  console.log(`\nCHANGED ${item.name} (${item.entrypoint})`);
  console.log(explain(`released (${ref})`, before));
  console.log(explain('working tree', after));
}
console.log(
  `\n${changed.length} of ${inputs.length} decisions changed between ${ref} (revision ${base.engine.revision.slice(0, 12)}) and the working tree (revision ${current.revision.slice(0, 12)}).`,
);
if (changed.length > 0 && process.argv.includes('--fail-on-change')) process.exit(2);
