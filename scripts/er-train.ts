/**
 * `npm run er:train -- --tenant <t> [--kind PERSON] [--seed 7] [--high 0.95 --mid 0.5] [--no-activate] [--dry-run]` — trains the tenant's
 * match model on its own records (u from random pairs, m and the prior by EM, name term frequencies; no labels) and
 * stores it in the graph, active unless --no-activate. The worker picks an active model up within 30 s. Prints the
 * Bayes factor of every level, so a reviewer sees what the data taught it. `--high`/`--mid` set the tenant's bands
 * (match probability for an automatic merge, and for a review). Against the running twin by default.
 *
 *   npm run er:train -- --tenant acme
 *   npm run er:recluster -- --tenant acme --dry-run    # then: what the new model would merge and split
 *   npm run er:train -- --tenant acme --list            # stored models, * = active
 *   npm run er:train -- --tenant acme --activate-version fs-…   # roll back to a stored model
 */
import { parseArgs } from 'node:util';
import { defaultModel } from '../functions/core/er/model/defaults.js';
import { activateModel, listModels } from '../functions/core/er/model-store.js';
import { trainTenant } from '../functions/core/er/train-tenant.js';
import { createDriver } from '../functions/core/graph/index.js';
import { entityKinds } from '../functions/core/graph/types.js';
import { startPorts } from '../infra/local/twin.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    seed: { type: 'string', default: '7' },
    'no-activate': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    high: { type: 'string' },
    mid: { type: 'string' },
    'activate-version': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'neo4j-uri': { type: 'string', default: `bolt://127.0.0.1:${startPorts.neo4j}` },
  },
});
if (!values.tenant) {
  console.error('usage: npm run er:train -- --tenant <tenant> [--kind PERSON] [--seed 7] [--no-activate] [--dry-run]');
  process.exit(2);
}
/** Below this many records the estimates are noisy: say so (the model is still stored as asked). */
const fewRecords = 1_000;
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error('--seed must be an integer');
  process.exit(2);
}
// The tenant's current bands are kept unless both are given (0 < mid < high < 1 is checked with the model).
if ((values.high === undefined) !== (values.mid === undefined)) {
  console.error('give --high and --mid together');
  process.exit(2);
}
const bands = values.high === undefined ? undefined : { high: Number(values.high), mid: Number(values.mid) };
const kind = values.kind as (typeof entityKinds)[number] | undefined;
if (kind && !entityKinds.includes(kind)) {
  console.error(`--kind must be one of ${entityKinds.join(', ')}`);
  process.exit(2);
}
const driver = createDriver(values['neo4j-uri']!);
try {
  if (values.list || values['activate-version']) {
    const version = values['activate-version'];
    if (version && !(await activateModel(driver, values.tenant, version))) {
      throw new RangeError(`${values.tenant} has no stored model ${version} (--list shows them)`);
    }
    for (const m of await listModels(driver, values.tenant)) {
      console.log(
        `${m.active ? '*' : ' '} ${m.version}  ${m.kind}  ${new Date(m.createdAt).toISOString()}  ${m.summary}`,
      );
    }
  } else {
    const started = performance.now();
    const {
      model,
      stats,
      saved,
      kind: trainedKind,
    } = await trainTenant(driver, values.tenant, {
      kind,
      start: bands ? { ...defaultModel, bands } : undefined,
      seed,
      save: !values['dry-run'],
      activate: !values['no-activate'],
    });
    console.log(
      `trained ${model.version} on ${stats.records} ${trainedKind} records of ${values.tenant} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${stats.uPairs} random pairs for u, ${stats.candidatePairs} candidate pairs for m (EM ${stats.sessions
          .map((s) => `${s.rule} ${s.pairs} pairs ${s.iterations} it${s.converged ? '' : ' NOT CONVERGED'}`)
          .join(
            ', ',
          )}), prior ${stats.prior.toExponential(2)}; blocks left out for size ${JSON.stringify(stats.skippedBlocks)}`,
    );
    for (const [id, levels] of Object.entries(model.comparisons)) {
      console.log(
        `  ${id.padEnd(22)} ${Object.entries(levels)
          .map(([l, p]) => `${l} ${(p.m / p.u).toPrecision(3)}`)
          .join(', ')}`,
      );
    }
    console.log(`  bands: HIGH ≥ ${model.bands.high}, MID ≥ ${model.bands.mid}`);
    if (stats.records < fewRecords) {
      console.log(
        `warning: ${stats.records} records are few to learn from (under ${fewRecords}); compare the factors above with the default model's before activating it`,
      );
    }
    console.log(
      saved ? `stored ${saved.version}${saved.active ? ' (active)' : ' (not active)'}` : 'dry run: nothing stored',
    );
  }
} catch (err) {
  console.error(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await driver.close();
}
