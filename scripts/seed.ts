/**
 * `npm run seed -- --tenants 3 --entities 100000 --edges 500000 [--seed 42] [--uri bolt://127.0.0.1:7687]
 * [--batch 5000]`: seeds a realistic multi-tenant graph (infra/local/seed/graph.ts). Deterministic by seed,
 * resumable (rerun after a crash continues where it stopped), with a progress bar.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createDriver } from '../functions/core/graph/driver.js';
import { seedGraph } from '../infra/local/seed/graph.js';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string' },
      entities: { type: 'string' },
      edges: { type: 'string' },
      seed: { type: 'string' },
      uri: { type: 'string' },
      batch: { type: 'string' },
    },
  });
  const options = {
    tenants: Math.max(1, positiveInt('tenants', values.tenants, 3)),
    entities: positiveInt('entities', values.entities, 100_000),
    edges: positiveInt('edges', values.edges, 500_000),
    seed: positiveInt('seed', values.seed, 42),
    batchSize: Math.max(1, positiveInt('batch', values.batch, 5_000)),
  };
  const uri = values.uri ?? process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
  const driver = createDriver(uri);
  const bar = new cliProgress.SingleBar(
    { format: '{phase} {tenant} [{bar}] {value}/{total} ({skipped} already there) {duration_formatted}' },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  try {
    const summary = await seedGraph(driver, options, (p) => {
      const key = `${p.phase}:${p.tenant}`;
      if (key !== current) {
        if (current) bar.stop();
        bar.start(p.total, 0, { phase: p.phase, tenant: p.tenant, skipped: 0 });
        current = key;
      }
      bar.update(p.done, { skipped: p.skipped });
    });
    bar.stop();
    const entities = summary.entitiesPerTenant.reduce((a, b) => a + b, 0);
    const edges = summary.edgesPerTenant.reduce((a, b) => a + b, 0);
    console.log(
      `seeded ${entities} entities and ${edges} relationships in ${summary.tenants.length} tenants ` +
        `(${summary.tenants.join(', ')}) at ${uri} in ${(summary.ms / 1000).toFixed(1)} s ` +
        `(${summary.batchesWritten} batches written, ${summary.batchesSkipped} already present)`,
    );
  } finally {
    bar.stop();
    await driver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
