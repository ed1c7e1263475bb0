/**
 * The DR drill's records, written by the command only: evidence/dr/dr-<UTC>.json (+ dr-latest.json), a Markdown drill
 * record in runbooks/drills/, and the "last drill" line (between its markers) of runbooks/neo4j-failover.md and of the
 * single-region failover tabletop.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../infra/local/paths.js';
import { fileStamp, fillLastDrill, writeEvidence } from '../../infra/release/evidence.js';

export const drillCommand = 'npm run drill:dr';
const machineNote = '2 cores shared by system and load generator';

export interface DrillOutcome {
  quick: boolean;
  pass: boolean;
  rtoMs: number;
  rpo: number;
  checks: Record<string, boolean>;
  timeline: { at: string; step: string }[];
  [more: string]: unknown;
}

/** Writes every record of one drill run; returns the files written. */
export function writeDrillRecords(outcome: DrillOutcome): string[] {
  const command = `${drillCommand}${outcome.quick ? ' -- --quick' : ''}`;
  const started = new Date(outcome.timeline[0]?.at ?? Date.now());
  const evidence = writeEvidence('dr', 'dr', command, { note: machineNote, ...outcome });
  const drills = join(repoRoot, 'runbooks', 'drills');
  mkdirSync(drills, { recursive: true });
  const md = join(drills, `dr-${fileStamp(started)}.md`);
  const rto = `${(outcome.rtoMs / 1000).toFixed(1)} s`;
  writeFileSync(
    md,
    [
      `# Neo4j DR drill ${started.toISOString()}`,
      '',
      `Written by \`${command}\`; evidence: \`${relative(repoRoot, evidence)}\`. Figures from the local twin, ${machineNote}.`,
      '',
      `**${outcome.pass ? 'PASS' : 'FAIL'}** — RTO ${rto}, RPO ${outcome.rpo} accepted writes and events missing.`,
      '',
      '| check | result |',
      '|---|---|',
      ...Object.entries(outcome.checks).map(([k, v]) => `| ${k} | ${v ? 'pass' : 'FAIL'} |`),
      '',
      '## Timeline (UTC)',
      '',
      ...outcome.timeline.map((t) => `- ${t.at} — ${t.step}`),
      '',
    ].join('\n'),
  );
  const line = `Last drill: ${started.toISOString()} — ${outcome.pass ? 'PASS' : 'FAIL'}, RTO ${rto}, RPO ${outcome.rpo} (${machineNote}); record \`${relative(repoRoot, md)}\`, written by \`${command}\`.`;
  // The tabletop's Neo4j path is the part this drill executes, so both runbooks carry its last run.
  const runbooks = ['neo4j-failover.md', 'single-region-failover.md'].map((f) => join(repoRoot, 'runbooks', f));
  for (const runbook of runbooks) fillLastDrill(runbook, line);
  return [evidence, md, ...runbooks];
}
