/**
 * `npm run er:recluster -- --tenant <t> [--kind PERSON] [--dry-run] [--json]` — re-clusters a tenant's records of a
 * kind with its active model for that kind
 * (functions/core/er/recluster.ts): undoes automatic merges the model no longer supports, merges entities it matches
 * at HIGH, and brings the review queue in line. A dry run prints what would merge and split and changes nothing.
 * Every merge and split is an ordinary, reversible graph operation with a merge record, and an `er.recluster` entry
 * in the tenant's audit ledger and a write-journal entry; the response cache's entries of every entity changed are evicted. Against the running
 * twin by default (UPSTASH_URL / UPSTASH_TOKEN point it at another cache).
 */
import { parseArgs } from 'node:util';
import { Redis } from '@upstash/redis';
import { DynamoDbAuditLedger } from '../functions/core/audit/dynamodb-ledger.js';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { createUpstashCache, entityInvalidator } from '../functions/core/cache/index.js';
import { storedModels } from '../functions/core/er/model-store.js';
import { applyRecluster, planRecluster } from '../functions/core/er/recluster.js';
import { upstashReviewEventBus } from '../functions/core/er/review/events-upstash.js';
import { readTenantSnapshot, snapshotOfKind } from '../functions/core/er/tenant-records.js';
import { createDriver } from '../functions/core/graph/index.js';
import { type EntityKind, entityKinds } from '../functions/core/graph/types.js';
import { DynamoDbWriteJournal } from '../functions/core/journal/index.js';
import { tableName, tables } from '../functions/core/resources/index.js';
import { localRegion } from '../infra/local/elasticmq.js';
import { startPorts } from '../infra/local/twin.js';
import { localUpstashToken } from '../infra/local/upstash.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    kind: { type: 'string', default: 'PERSON' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'neo4j-uri': { type: 'string', default: `bolt://127.0.0.1:${startPorts.neo4j}` },
    'dynamo-endpoint': { type: 'string', default: `http://127.0.0.1:${startPorts.dynamo}` },
    'upstash-url': { type: 'string', default: process.env.UPSTASH_URL ?? `http://127.0.0.1:${startPorts.upstash}` },
  },
});
if (!values.tenant) {
  console.error('usage: npm run er:recluster -- --tenant <tenant> [--dry-run] [--json]');
  process.exit(2);
}
const tenant = values.tenant;
const kind = values.kind as EntityKind;
if (!entityKinds.includes(kind)) {
  console.error(`--kind must be one of ${entityKinds.join(', ')}`);
  process.exit(2);
}
const driver = createDriver(values['neo4j-uri']!);
const ddb = dynamoClient({ region: localRegion, endpoint: values['dynamo-endpoint'] });
try {
  const model = await storedModels(driver).modelFor(tenant, kind);
  const plan = planRecluster(snapshotOfKind(await readTenantSnapshot(driver, tenant), kind), model);
  const s = plan.stats;
  const verb = values['dry-run'] ? 'would' : 'will';
  console.log(
    `${tenant} with model ${plan.modelVersion}: ${s.records} records in ${s.entitiesBefore} entities → ${s.entitiesAfter}; ` +
      `${verb} split ${plan.splits.length}, merge ${plan.merges.length}, open ${plan.reviews.length} reviews, close ${plan.closes.length} ` +
      `(${s.pairsScored} pairs scored, ${s.skippedKeys} blocking keys too common to use)`,
  );
  if (values.json) console.log(JSON.stringify(plan, null, 2));
  else {
    for (const x of plan.splits.slice(0, 20))
      console.log(
        `  split ${x.mergedId} from ${x.survivorId} (best pair ${x.probability.toFixed(4)}; merge ${x.mergeId})`,
      );
    for (const x of plan.merges.slice(0, 20))
      console.log(
        `  merge ${x.mergedId} into ${x.survivorId} (records ${x.pair.join(' ~ ')} at ${x.probability.toFixed(4)})`,
      );
    const more =
      plan.splits.length + plan.merges.length - Math.min(20, plan.splits.length) - Math.min(20, plan.merges.length);
    if (more > 0) console.log(`  … ${more} more (--json for all)`);
  }
  if (!values['dry-run']) {
    const ledger = new DynamoDbAuditLedger({ client: ddb, tableName: tableName('local', tables.auditLedger) });
    // The response cache: merged and split entities must not keep serving their old reads.
    const token = process.env.UPSTASH_TOKEN ?? localUpstashToken;
    const redis = new Redis({ url: values['upstash-url']!, token });
    const store = createUpstashCache(redis, {
      onError: (r) => console.error(`cache ${r.op} failed: ${String(r.error)}`),
    });
    // The write journal: a restore from a backup taken before this run gets its merges and splits back by replay.
    const journal = new DynamoDbWriteJournal({ client: ddb, tableName: tableName('local', tables.writeJournal) });
    const result = await applyRecluster(driver, tenant, plan, {
      ledger,
      journal,
      invalidate: entityInvalidator(store),
      // Open review pages hear about the candidates this run closes and opens.
      reviewEvents: upstashReviewEventBus(redis),
      onError: (what, err) => console.error(`${what} not published: ${String(err)}`),
      onProgress: (done, total) => console.log(`  ${done}/${total} actions`),
    });
    console.log(
      `split ${result.split.length}, merged ${result.merged.length}, reviews opened ${result.reviewsOpened}, closed ${result.reviewsClosed}, skipped ${result.skipped.length}`,
    );
    for (const x of result.skipped.slice(0, 20)) console.log(`  skipped ${x.action} ${x.id}: ${x.reason}`);
  }
} catch (err) {
  console.error(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await driver.close();
  ddb.destroy();
}
