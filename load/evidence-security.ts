/**
 * `npm run evidence:security`: the hostile corpus (load/security) against a scratch twin and fresh edge, origin, intake
 * and step-up processes, the same run `npm test` makes; prints the summary and writes
 * evidence/security/corpus-<UTC>.json and corpus-latest.json. Exits 1 when any case failed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createDriver, migrate } from '../functions/core/graph/index.js';
import { startAppStack } from '../infra/local/app-stack.js';
import { repoRoot } from '../infra/local/paths.js';
import { buildPolicies } from '../infra/local/policies/build.js';
import { startScratchTwin } from '../infra/local/twin.js';
import { gitCommit, gitDirty } from './evidence.js';
import { buildCorpus } from './security/corpus.js';
import { bounds, runCorpus } from './security/run.js';
import { seedCorpusWorld } from './security/seed.js';
import { summarise } from './security/summary.js';

const command = 'npm run evidence:security';

async function main(): Promise<boolean> {
  const twin = await startScratchTwin('security');
  try {
    const driver = createDriver(twin.endpoints.neo4jUri);
    await Promise.all([migrate(driver).finally(() => driver.close()), buildPolicies()]);
    const stack = await startAppStack(twin.runDir, twin.endpoints);
    try {
      const ctx = await seedCorpusWorld(twin.endpoints.neo4jUri);
      const cases = buildCorpus(ctx, stack.keys.jwt.audience);
      const summary = summarise(await runCorpus(stack, ctx, cases));
      const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const report = {
        name: 'security-corpus',
        at,
        commit: gitCommit(),
        dirty: gitDirty(),
        command,
        machine: { cpus: cpus().length, node: process.version },
        params: bounds,
        ...summary,
      };
      console.log(`\nhostile corpus @ ${at}: ${summary.cases} cases in ${summary.wallS} s`);
      console.log(`  5xx ${summary.fiveXx}  leaks ${summary.leaks}  over bound ${summary.overBound}`);
      console.log(`  statuses ${JSON.stringify(summary.statuses)}  latency ${JSON.stringify(summary.latency)}`);
      for (const [c, s] of Object.entries(summary.byCategory)) console.log(`  ${c.padEnd(16)} ${JSON.stringify(s)}`);
      for (const f of [...summary.violations, ...summary.mismatches])
        console.log(`  FAIL ${f.id} (${f.status} ${f.code ?? ''}): ${f.what}`);
      for (const o of summary.oracles) console.log(`  ORACLE ${o.id} differs from ${o.sameAs}`);
      for (const u of summary.unhealthy) console.log(`  UNHEALTHY ${u}`);
      const dir = join(repoRoot, 'evidence', 'security');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `corpus-${at.replace(/[-:]/g, '')}.json`);
      const text = `${JSON.stringify(report, null, 2)}\n`;
      writeFileSync(file, text);
      writeFileSync(join(dir, 'corpus-latest.json'), text);
      console.log(`${summary.pass ? 'corpus passed' : 'CORPUS FAILED'}; evidence: ${file}`);
      return summary.pass;
    } finally {
      await stack.stop();
    }
  } finally {
    await twin.stop();
    rmSync(twin.runDir, { recursive: true, force: true });
  }
}

process.exit((await main()) ? 0 : 1);
