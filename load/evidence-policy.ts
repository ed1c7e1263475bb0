/**
 * Writes decision logs with explains for a fixed scenario set to evidence/policy/decisions.json:
 * every recorded input in policies/simulation/inputs.json, plus two end-to-end exports
 * (redaction, then k-anonymity by generalisation and suppression).
 *
 *   npm run evidence:policy
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toDecisionLogEntry } from '../functions/core/policy/decision-log.js';
import { PolicyDeniedError } from '../functions/core/policy/errors.js';
import { type ExportRecord, type ExportRequest, transformExport } from '../functions/core/policy/export-transform.js';
import { loadWasmPolicyEngine } from '../functions/core/policy/wasm-engine.js';
import { repoRoot } from '../infra/local/paths.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { readRecordedInputs } from '../infra/local/policies/simulate.js';
import { gitCommit } from './evidence.js';

const NOW = new Date('2026-11-28T00:00:00Z');
const DAY = 86_400_000;

/** People records for an NLQ export: ages and postcodes spread so raw groups are too small. */
function people(n: number): ExportRecord[] {
  const postcodes = ['SW1A 1AA', 'SW1A 2BB', 'SW1B 3CC', 'EC1A 4DD', 'EC1B 5EE'];
  return Array.from({ length: n }, (_, i) => ({
    id: `p-${i}`,
    classes: ['entity', 'contact'],
    purposes: ['investigation'],
    licences: ['public', 'partner-shareable'],
    fields: { age: 'entity', postcode: 'entity', gender: 'entity', email: 'contact', risk: 'entity' },
    created_at_ms: NOW.getTime() - (i % 20) * DAY,
    values: {
      age: 20 + ((i * 7) % 45),
      postcode: postcodes[i % postcodes.length],
      gender: i % 3 === 0 ? 'f' : 'm',
      email: `p${i}@example.test`,
      risk: (i * 13) % 100,
    },
  }));
}

async function main() {
  const build = await buildPolicies();
  const engine = await loadWasmPolicyEngine(build.outDir);
  const decisions = (await readRecordedInputs()).map((item) => {
    const decision = engine.evaluate(item.entrypoint, item.input);
    return { scenario: item.name, log: toDecisionLogEntry(decision, item.input, NOW), decision };
  });

  const investigator: ExportRequest['caller'] = { roles: ['investigator'], clearances: ['pii'] };
  const exportsRun = [
    { scenario: 'nlq export, 60 people, k=5 over age/postcode/gender', count: 60 },
    { scenario: 'nlq export, 4 people (fewer than k: refused)', count: 4 },
  ].map(({ scenario, count }) => {
    const request: ExportRequest = {
      caller: investigator,
      purpose: 'investigation',
      audience: 'partner',
      kind: 'nlq',
      quasi_identifiers: ['age', 'postcode', 'gender'],
    };
    try {
      const { rows, report } = transformExport(engine, request, people(count), NOW);
      const { decisions: perRecord, ...summary } = report;
      return {
        scenario,
        allow: true,
        report: summary,
        decision_ids: perRecord.map((d) => d.decision_id),
        sample_rows: rows.slice(0, 5),
      };
    } catch (error) {
      if (!(error instanceof PolicyDeniedError)) throw error;
      return { scenario, allow: false, code: error.code, decision_id: error.decisionId, reasons: error.reasons };
    }
  });

  const out = {
    command: 'npm run evidence:policy',
    generated_at: new Date().toISOString(),
    commit: gitCommit(),
    revision: build.revision,
    scenario_clock: NOW.toISOString(),
    decisions,
    exports: exportsRun,
  };
  const dir = join(repoRoot, 'evidence', 'policy');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'decisions.json'), `${JSON.stringify(out, null, 2)}\n`);
  const denies = decisions.filter((d) => !d.decision.allow).length;
  console.log(
    `wrote evidence/policy/decisions.json: ${decisions.length} decisions (${denies} denies), ${exportsRun.length} exports, revision ${build.revision.slice(0, 12)}`,
  );
}

await main();
