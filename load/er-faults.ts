/**
 * `npm run test:faults` — the ER fault test. On its own twin (free ports, thrown away afterwards): 20,000 intake
 * messages (10% producer duplicates, 1% poison) through the real worker process, which is killed with SIGKILL three
 * times mid-run and restarted. Then: graph effects must equal the unique valid events exactly, the DLQ must hold
 * exactly the poison; after the fix (the poison's kind enabled) a message-move replay must drain it. Writes
 * evidence/er/faults-<UTC>.json and faults-latest.json. `--events N` for a smaller run; a dirty work tree is refused
 * unless `--allow-dirty`.
 *
 * The poison is 1% VEHICLE events while the worker runs with ER_ENABLED_KINDS without VEHICLE: poison that a fix
 * (enabling the kind) can cure, so "replay after fixing drains it" is testable. Unfixable poison (corrupt bodies,
 * conflicting payloads) is covered by functions/er-intake/er.int.test.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDbAuditLedger } from '../functions/core/audit/dynamodb-ledger.js';
import { verifyLedger } from '../functions/core/audit/verify.js';
import { dynamoClient } from '../functions/core/aws/dynamodb.js';
import { sqsClient } from '../functions/core/aws/sqs.js';
import {
  appliedEventCountCypher,
  decisionBandsCypher,
  decisionCountCypher,
  erEntityCountCypher,
} from '../functions/core/er/cypher.js';
import { migrateEr } from '../functions/core/er/migrations.js';
import type { Envelope } from '../functions/core/er/schemas.js';
import type { CypherTemplate } from '../functions/core/graph/cypher/template.js';
import { createDriver, migrate } from '../functions/core/graph/index.js';
import { queues, tableName, tables } from '../functions/core/resources/index.js';
import { defaultErConcurrency } from '../functions/er-intake/config.js';
import { replayDlq } from '../functions/er-replay/replay.js';
import { startErWorker } from '../infra/local/apps.js';
import { repoRoot } from '../infra/local/paths.js';
import { freePort } from '../infra/local/process.js';
import { createQueuePair, queueCount } from '../infra/local/queues.js';
import { startScratchTwin } from '../infra/local/twin.js';
import type { RunningComponent, TwinEndpoints } from '../infra/local/types.js';
import { waitFor } from '../infra/local/wait-for.js';
import { generateEvents } from './er-events.js';
import { refuseDirtyTree, runCommit, runDirty } from './evidence.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    keep: { type: 'boolean' },
    'allow-dirty': { type: 'boolean', default: false },
  },
});
refuseDirtyTree('test:faults', values['allow-dirty']);
const total = Number(values.events);
const log = (line: string) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}`);
const twin = await startScratchTwin('faults', { neo4jPageCache: '512m', neo4jHeap: '1g', log });
const { runDir, endpoints: e } = twin;
const sqs = sqsClient({ region: e.region, endpoint: e.sqsEndpoint });
const ddb = dynamoClient({ region: e.region, endpoint: e.dynamoEndpoint });
const driver = createDriver(e.neo4jUri);
const started = Date.now();

/** The worker under test: four batch loops of the deployed batch size, every event of a batch at once. */
const workerSettings = {
  visibilityTimeoutS: 5,
  workerBatches: 4,
  batchSize: queues.intake.batchSize,
  concurrency: defaultErConcurrency,
};

async function startWorker(pair: { queueUrl: string; dlqUrl: string }, kinds: string): Promise<RunningComponent> {
  return startErWorker(runDir, e as TwinEndpoints, await freePort(), {
    INTAKE_QUEUE_URL: pair.queueUrl,
    DLQ_URL: pair.dlqUrl,
    VISIBILITY_TIMEOUT_S: String(workerSettings.visibilityTimeoutS),
    WORKER_WAIT_S: '1',
    WORKER_BATCHES: String(workerSettings.workerBatches),
    WORKER_BATCH_SIZE: String(workerSettings.batchSize),
    ER_CONCURRENCY: String(workerSettings.concurrency),
    ER_ENABLED_KINDS: kinds,
  });
}

/** Sums a per-tenant count over the drill's tenants (every template is scoped to one tenant). */
async function count(template: CypherTemplate, tenants: string[]): Promise<number> {
  let n = 0;
  for (const tenant of tenants)
    n += Number((await driver.executeQuery(template.cypher, { tenant })).records[0]!.get('n'));
  return n;
}

/** Decisions per band over the drill's tenants. */
async function bandCounts(tenants: string[]): Promise<Record<string, number>> {
  const bands: Record<string, number> = {};
  for (const tenant of tenants) {
    for (const r of (await driver.executeQuery(decisionBandsCypher.cypher, { tenant })).records) {
      bands[r.get('band')] = (bands[r.get('band')] ?? 0) + Number(r.get('n'));
    }
  }
  return bands;
}

try {
  await migrate(driver);
  await migrateEr(driver);
  const pair = await createQueuePair(sqs, `faults-${Date.now()}`, {
    visibilityTimeoutS: workerSettings.visibilityTimeoutS,
    maxReceiveCount: 3,
  });
  const load = generateEvents({ total, duplicateShare: 0.1, poisonShare: 0.01, tenants: 8, seed: 42 });
  log(
    `generated ${load.messages.length} messages: ${load.unique.length} unique valid, ${load.duplicates} duplicates, ${load.poison.length} poison`,
  );

  const sendStarted = Date.now();
  const bodies = load.messages.map((m: Envelope) => JSON.stringify(m));
  for (let i = 0; i < bodies.length; i += 10 * 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => bodies.slice(i + j * 10, i + j * 10 + 10))
        .filter((c) => c.length)
        .map((chunk) =>
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: pair.queueUrl,
              Entries: chunk.map((b, k) => ({ Id: String(k), MessageBody: b })),
            }),
          ),
        ),
    );
  }
  log(`enqueued in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);

  const allButVehicle = 'PERSON,ORGANISATION,LOCATION,EVENT,DOCUMENT,ACCOUNT';
  let worker = await startWorker(pair, allButVehicle);
  const kills: { at: string; remaining: number; pid: number | undefined }[] = [];
  for (const share of [0.75, 0.5, 0.25]) {
    await waitFor(
      `queue below ${share * 100}%`,
      async () => ((await queueCount(sqs, pair.queueUrl)).visible <= total * share ? true : undefined),
      600_000,
    );
    const remaining = (await queueCount(sqs, pair.queueUrl)).visible;
    kills.push({ at: new Date().toISOString(), remaining, pid: worker.pid });
    log(`SIGKILL worker pid ${worker.pid} with ${remaining} messages visible`);
    process.kill(worker.pid!, 'SIGKILL');
    await worker.stop();
    worker = await startWorker(pair, allButVehicle);
  }
  await waitFor(
    'intake queue drained and poison dead-lettered',
    async () => {
      const q = await queueCount(sqs, pair.queueUrl);
      const d = await queueCount(sqs, pair.dlqUrl);
      return q.visible + q.inFlight === 0 && d.visible >= load.poison.length ? true : undefined;
    },
    600_000,
  );
  const processingS = (Date.now() - started) / 1000;
  const tenants = load.tenants;
  const effects = {
    appliedEvents: await count(appliedEventCountCypher, tenants),
    decisions: await count(decisionCountCypher, tenants),
    entities: await count(erEntityCountCypher, tenants),
    bands: await bandCounts(tenants),
  };
  const dlqScan = await replayDlq({
    sqs,
    ...pair,
    dryRun: true,
    scanVisibilityS: 30,
    failures: new (await import('../functions/core/idempotency/dynamodb-failures.js')).DynamoDbFailureStore(
      ddb,
      tableName('local', tables.idempotency),
    ),
  });
  const poisonIds = new Set(load.poison.map((p) => p.eventId));
  const dlqExactlyPoison =
    dlqScan.items.length === poisonIds.size && dlqScan.items.every((i) => poisonIds.has(i.eventId));
  log(`effects ${JSON.stringify(effects)}; DLQ ${dlqScan.items.length} (exactly the poison: ${dlqExactlyPoison})`);

  // The fix: enable VEHICLE, then move the whole DLQ back.
  await worker.stop();
  worker = await startWorker(pair, `${allButVehicle},VEHICLE`);
  const replay = await replayDlq({ sqs, ...pair });
  await waitFor(
    'replayed poison applied',
    async () => {
      const q = await queueCount(sqs, pair.queueUrl);
      const n = await count(decisionCountCypher, tenants);
      return q.visible + q.inFlight === 0 && n === load.unique.length + load.poison.length ? true : undefined;
    },
    300_000,
  );
  await worker.stop();
  const afterReplay = {
    decisions: await count(decisionCountCypher, tenants),
    dlq: (await queueCount(sqs, pair.dlqUrl)).visible,
  };
  const ledger = new DynamoDbAuditLedger({ client: ddb, tableName: tableName('local', tables.auditLedger) });
  const chains = await Promise.all(tenants.map((t) => verifyLedger(t, ledger.read(t))));
  const ledgerEntries = chains.reduce((s, c) => s + c.lastSeq, 0);

  const checks = {
    effectsEqualUniqueValid:
      effects.decisions === load.unique.length &&
      effects.appliedEvents === load.unique.length &&
      effects.entities === load.unique.length,
    dlqHoldsExactlyPoison: dlqExactlyPoison,
    replayDrainedDlq: afterReplay.dlq === 0 && afterReplay.decisions === load.unique.length + load.poison.length,
    ledgerChainsVerify: chains.every((c) => c.ok),
    ledgerEntriesEqualDecisions: ledgerEntries === afterReplay.decisions,
  };
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const result = {
    name: 'er-faults',
    command: `npm run test:faults${total === 20000 ? '' : ` -- --events ${total}`}`,
    at,
    commit: runCommit(),
    dirty: runDirty(),
    params: {
      messages: load.messages.length,
      uniqueValid: load.unique.length,
      duplicates: load.duplicates,
      poison: load.poison.length,
      tenants: tenants.length,
      kills: 3,
      maxReceiveCount: 3,
      ...workerSettings,
    },
    kills,
    effects,
    dlq: { count: dlqScan.items.length, byCode: dlqScan.byCode },
    replay: { mode: replay.mode, moved: replay.moved, ...afterReplay },
    ledger: { entries: ledgerEntries, chainsOk: chains.every((c) => c.ok) },
    durationS: { processing: processingS, total: (Date.now() - started) / 1000 },
    checks,
    pass: Object.values(checks).every(Boolean),
  };
  const dir = join(repoRoot, 'evidence', 'er');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(dir, `faults-${at.replace(/[-:]/g, '')}.json`), text);
  writeFileSync(join(dir, 'faults-latest.json'), text);
  console.table(checks);
  log(`${result.pass ? 'PASS' : 'FAIL'} in ${result.durationS.total.toFixed(0)} s — evidence/er/faults-latest.json`);
  process.exitCode = result.pass ? 0 : 1;
} finally {
  await driver.close();
  sqs.destroy();
  ddb.destroy();
  await twin.stop();
  if (!values.keep) rmSync(runDir, { recursive: true, force: true });
  else log(`logs kept in ${runDir}`);
}
