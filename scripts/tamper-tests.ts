/**
 * `npm run tamper-tests`: the negative controls of Verify-Bundle (infra/release/tamper-cases.ts), each on a fresh real
 * release in a temp dir. Prints one line per case and writes evidence/provenance/tamper-*.json; exits 1 if any case
 * was accepted or refused for another reason than its own.
 */
import { relative } from 'node:path';
import { writeEvidence } from '../infra/release/evidence.js';
import { runTamperCase, tamperCases } from '../infra/release/tamper-cases.js';

const results = [];
for (const c of tamperCases) {
  const r = await runTamperCase(c);
  results.push(r);
  console.log(
    `${r.blocked ? 'BLOCKED' : 'FAILED '}  ${r.name.padEnd(70)} ${r.got}${r.blocked ? '' : ` (expected ${r.expected})`}`,
  );
}
const blocked = results.filter((r) => r.blocked).length;
console.log(`${blocked} blocked, ${results.length - blocked} not blocked`);
const file = writeEvidence('provenance', 'tamper', 'npm run tamper-tests', {
  summary: { cases: results.length, blocked, notBlocked: results.length - blocked },
  cases: results,
});
console.log(`wrote ${relative(process.cwd(), file)}`);
process.exit(blocked === results.length ? 0 : 1);
