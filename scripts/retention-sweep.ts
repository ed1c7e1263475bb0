/**
 * `npm run retention:sweep -- [--tenant t]... [--dry-run] [--json]` — runs the retention sweep against the running
 * local twin (npm start), or against what NEO4J_URI / AUDIT_TABLE / DYNAMODB_ENDPOINT name. Prints, per tenant, how
 * many entities were stamped, re-stamped, tombstoned and skipped under legal hold.
 *
 *   npm run retention:sweep -- --dry-run
 *   npm run retention:sweep -- --tenant acme
 */
import { parseArgs } from 'node:util';
import { tableName, tables } from '../functions/core/resources/index.js';
import { sweep } from '../functions/core/retention/sweep.js';
import { loadSweepConfig } from '../functions/retention/config.js';
import { createSweepRuntime } from '../functions/retention/runtime.js';
import { localRegion } from '../infra/local/elasticmq.js';
import { startPorts } from '../infra/local/twin.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

// Defaults point at `npm start`'s twin; any variable already set wins.
const config = loadSweepConfig({
  GRAPHGATE_STAGE: 'local',
  NEO4J_URI: `bolt://127.0.0.1:${startPorts.neo4j}`,
  AUDIT_TABLE: tableName('local', tables.auditLedger),
  DYNAMODB_ENDPOINT: `http://127.0.0.1:${startPorts.dynamo}`,
  AWS_REGION: localRegion,
  ...process.env,
});
const runtime = await createSweepRuntime(config);
try {
  const report = await sweep({ ...runtime.deps, tenants: values.tenant, dryRun: values['dry-run'] });
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(
      `retention sweep${report.dryRun ? ' (dry run: nothing written)' : ''} · policy ${report.revision.slice(0, 12)}`,
    );
    console.table(report.tenants.map(({ ledgerEntries, ...t }) => ({ ...t, ledger: ledgerEntries })));
    if (report.tenants.length === 0) console.log('nothing to sweep');
  }
} finally {
  await runtime.close();
}
