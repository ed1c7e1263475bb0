/**
 * `npm run keys:rotate [-- --phase add|retire|all] [--sign-policy]`: rotates the release signing key of the local key
 * store (infra/release/rotation.ts; runbooks/release-key-rotation.md). `all` (default) adds a new key, proves both are
 * accepted, retires the old one and proves it is refused. `--sign-policy` re-signs a deliberately edited
 * trust-policy.json with the policy-root key (serial + 1). Writes evidence/provenance/key-rotation-*.json.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { writeEvidence } from '../infra/release/evidence.js';
import { gitState } from '../infra/release/git.js';
import { openLocalKeys, sourceRepository, writeSignedPolicy } from '../infra/release/keystore.js';
import { addKey, retireOldKeys, rotate } from '../infra/release/rotation.js';
import { trustPolicySchema } from '../infra/release/trust-policy.js';

const argv = process.argv.slice(2);
const phaseAt = argv.indexOf('--phase');
const phase = phaseAt >= 0 ? argv[phaseAt + 1] : 'all';
const keys = await openLocalKeys(sourceRepository(gitState().origin));
console.log(`key store ${relative(process.cwd(), keys.paths.dir)}/ (LOCAL DEVELOPMENT ONLY)`);

try {
  if (argv.includes('--sign-policy')) {
    const edited = trustPolicySchema.parse(JSON.parse(readFileSync(keys.paths.policy, 'utf8')));
    const next = { ...edited, serial: edited.serial + 1, issuedAt: new Date().toISOString() };
    await writeSignedPolicy(keys.paths, next, keys.root);
    console.log(`trust policy serial ${next.serial} signed by the policy root`);
  } else if (phase === 'add') {
    console.log(`${new Date().toISOString()}  added ${JSON.stringify(await addKey(keys))}; both keys accepted`);
  } else if (phase === 'retire') {
    console.log(`${new Date().toISOString()}  retired ${JSON.stringify(await retireOldKeys(keys))}`);
  } else if (phase === 'all') {
    const steps = await rotate(keys, (l) => console.log(l));
    const file = writeEvidence('provenance', 'key-rotation', 'npm run keys:rotate', { steps });
    console.log(`wrote ${relative(process.cwd(), file)}`);
  } else {
    console.error(`unknown --phase ${phase}: add | retire | all`);
    process.exit(2);
  }
} catch (error) {
  console.error(`keys:rotate failed: ${(error as Error).message}`);
  process.exit(1);
}
