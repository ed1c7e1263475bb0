/**
 * `npm run drill:freeze`: a dry run of a release freeze with the committed rules (infra/release/rules/drill.ts) —
 * outside a window, inside one, unsigned, expired and valid overrides, and an error budget below half — on a throwaway
 * key store. Writes the drill record to runbooks/drills/freeze-<UTC>.md and evidence/dr/freeze-<UTC>.json, and the
 * last-drill line of runbooks/release-freeze.md; exits 1
 * if any step decided otherwise than expected.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../infra/local/paths.js';
import { fileStamp, fillLastDrill, writeEvidence } from '../infra/release/evidence.js';
import { runFreezeDrill } from '../infra/release/rules/drill.js';
import { activeFreeze, loadReleaseRules } from '../infra/release/rules/windows.js';

const rulesPath = join(repoRoot, 'infra', 'release', 'release-rules.json');
const rules = loadReleaseRules(rulesPath);
const started = new Date();
// The next hour inside a window and the next outside one (scanning up to 8 days ahead, hour by hour).
const scan = (inside: boolean): Date => {
  for (let h = 0; h < 24 * 8; h++) {
    const t = new Date(Math.floor(started.getTime() / 3_600_000) * 3_600_000 + h * 3_600_000 + 30 * 60_000);
    if (Boolean(activeFreeze(rules, t)) === inside) return t;
  }
  throw new Error(`no ${inside ? 'frozen' : 'open'} hour in the next 8 days: check ${rulesPath}`);
};
const times = { inside: scan(true), outside: scan(false) };
const { steps, audit } = await runFreezeDrill(rules, times);
const finished = new Date();
const failed = steps.filter((s) => !s.pass);

for (const s of steps) {
  console.log(
    `${s.pass ? 'PASS' : 'FAIL'}  ${s.at}  ${s.step.padEnd(42)} → ${s.allowed ? 'allowed' : s.rules.join(',')} (exit ${s.exitCode})`,
  );
}
const file = writeEvidence('dr', 'freeze', 'npm run drill:freeze', {
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  rules: relative(repoRoot, rulesPath),
  simulated: { inside: times.inside.toISOString(), outside: times.outside.toISOString() },
  steps,
  overrideAudit: audit.map((l) => JSON.parse(l)),
  pass: failed.length === 0,
});
const drills = join(repoRoot, 'runbooks', 'drills');
mkdirSync(drills, { recursive: true });
const md = join(drills, `freeze-${fileStamp(started)}.md`);
writeFileSync(
  md,
  [
    `# Freeze drill ${started.toISOString()}`,
    '',
    `Command: \`npm run drill:freeze\` · started ${started.toISOString()} · finished ${finished.toISOString()} · result **${failed.length === 0 ? 'PASS' : 'FAIL'}**`,
    `Rules: \`${relative(repoRoot, rulesPath)}\` · simulated inside ${times.inside.toISOString()}, outside ${times.outside.toISOString()}`,
    `Evidence: \`${relative(repoRoot, file)}\` · runbook: runbooks/release-freeze.md`,
    '',
    '| at (UTC) | step | expected | decided | exit | |',
    '|---|---|---|---|---|---|',
    ...steps.map(
      (s) =>
        `| ${s.at} | ${s.step} | ${s.expected} | ${s.allowed ? 'allowed' : s.rules.join(',')} | ${s.exitCode} | ${s.pass ? 'PASS' : 'FAIL'} |`,
    ),
    '',
    `Override audit entries written: ${audit.length}`,
    '',
  ].join('\n'),
);
fillLastDrill(
  join(repoRoot, 'runbooks', 'release-freeze.md'),
  `Last drill: ${started.toISOString()} — ${failed.length === 0 ? 'PASS' : 'FAIL'}; record \`${relative(repoRoot, md)}\`, written by \`npm run drill:freeze\`.`,
);
console.log(
  `wrote ${relative(process.cwd(), md)} and ${relative(process.cwd(), file)}; updated runbooks/release-freeze.md`,
);
process.exit(failed.length === 0 ? 0 : 1);
