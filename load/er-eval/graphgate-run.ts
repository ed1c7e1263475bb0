/**
 * graphgate's side of the evaluation, through the real pipeline: a scratch twin, the intake API and the ER worker as
 * their own processes (the same entry points and environment as `npm start`), the records POSTed to `/intake` with a
 * producer token of a fresh tenant, a bounded wait until every event is decided, then the read-back of the graph.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { sqsClient } from '../../functions/core/aws/sqs.js';
import { decisionCountCypher } from '../../functions/core/er/cypher.js';
import { applyRecluster, planRecluster } from '../../functions/core/er/recluster.js';
import { readTenantSnapshot, snapshotOfKind } from '../../functions/core/er/tenant-records.js';
import { trainTenant } from '../../functions/core/er/train-tenant.js';
import { createDriver } from '../../functions/core/graph/index.js';
import { toNumber } from '../../functions/core/graph/model.js';
import { startErWorker, startIntakeApi } from '../../infra/local/apps.js';
import { type DevKeys, ensureDevKeys } from '../../infra/local/dev-keys.js';
import { freePort } from '../../infra/local/process.js';
import { queueCount } from '../../infra/local/queues.js';
import { startScratchTwin } from '../../infra/local/twin.js';
import { waitFor } from '../../infra/local/wait-for.js';
import { type LabelledRecord, toSourceRecord } from './generator.js';
import { type GraphgateOutcome, readOutcome } from './readback.js';

export interface GraphgateRun extends GraphgateOutcome {
  tenant: string;
  /** What the pipeline decided with the default model, before `er:train` and `er:recluster`. */
  asIngested: GraphgateOutcome;
  /** The tenant's trained model and what re-clustering with it did. */
  retrain: {
    modelVersion: string;
    seconds: number;
    trainedOn: number;
    candidatePairs: number;
    splits: number;
    merges: number;
    reviewsOpened: number;
    reviewsClosed: number;
    skipped: number;
  };
  /** Records / (last decision − first POST): intake API → SQS → worker → Neo4j. */
  eventsPerS: number;
  wallS: number;
  postS: number;
  /** Seconds from the first POST until 50%, 95% and all of the events were decided (stragglers show here). */
  decidedByS: { p50: number; p95: number; all: number };
}

/** Events per POST (the API takes up to 500); small enough that the worker starts while the producer still sends. */
const postBatch = 100;

async function producerToken(keys: DevKeys, tenant: string): Promise<string> {
  const key = await importJWK(keys.jwt.privateJwk as Parameters<typeof importJWK>[0], 'ES256');
  return new SignJWT({ tenant, roles: ['producer'], clearances: [] })
    .setProtectedHeader({ alg: 'ES256', kid: keys.jwt.kid })
    .setIssuer(keys.jwt.issuer)
    .setAudience(keys.jwt.audience)
    .setSubject('er-eval')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key);
}

/** POSTs every record once; throws unless each one is accepted (a 429 waits for `retry-after` and resends). */
async function post(url: string, token: string, records: readonly LabelledRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += postBatch) {
    const events = records
      .slice(i, i + postBatch)
      .map((r) => ({ idempotencyKey: r.recordId, record: toSourceRecord(r) }));
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      if (res.status === 429 && attempt < 20) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        continue;
      }
      const body = (await res.json()) as { accepted?: unknown[]; rejected?: unknown[] };
      if (res.status !== 202 || body.accepted?.length !== events.length) {
        throw new Error(`intake answered ${res.status} for events ${i}..: ${JSON.stringify(body).slice(0, 500)}`);
      }
      break;
    }
  }
}

/**
 * Runs `records` through graphgate's ER pipeline and reads back the result. `timeoutS` bounds the wait for the last
 * decision; a dead-lettered event or a missing decision fails the run.
 */
export async function runGraphgate(
  records: readonly LabelledRecord[],
  o: { runLabel: string; timeoutS: number; seed: number; keepLogs?: boolean; log: (line: string) => void },
): Promise<GraphgateRun> {
  const twin = await startScratchTwin('er-eval', { neo4jPageCache: '512m', neo4jHeap: '1g', log: o.log });
  const e = twin.endpoints;
  const sqs = sqsClient({ region: e.region, endpoint: e.sqsEndpoint });
  const driver = createDriver(e.neo4jUri);
  const stops: (() => Promise<void>)[] = [];
  try {
    const keys = ensureDevKeys(join(twin.runDir, 'dev-keys.json'));
    const intakePort = await freePort();
    const [worker, intake] = await Promise.all([
      startErWorker(twin.runDir, e, await freePort(), { WORKER_WAIT_S: '1' }),
      startIntakeApi(twin.runDir, e, keys, intakePort),
    ]);
    stops.push(
      () => worker.stop(),
      () => intake.stop(),
    );
    o.log('intake API and ER worker ready');
    const tenant = `er-eval-${o.runLabel}`.toLowerCase();
    const token = await producerToken(keys, tenant);
    const started = Date.now();
    await post(`http://127.0.0.1:${intakePort}/intake`, token, records);
    const postS = (Date.now() - started) / 1000;
    o.log(`posted ${records.length} events in ${postS.toFixed(1)} s; waiting for every decision`);
    await waitFor(
      `${records.length} ER decisions`,
      async () => {
        const dlq = await queueCount(sqs, e.dlqUrl);
        if (dlq.visible + dlq.inFlight > 0) throw new Error(`${dlq.visible + dlq.inFlight} events dead-lettered`);
        const n = toNumber((await driver.executeQuery(decisionCountCypher.cypher, { tenant })).records[0]!.get('n'));
        return n >= records.length ? true : undefined;
      },
      o.timeoutS * 1000,
    );
    const ids = records.map((r) => r.recordId);
    const asIngested = await readOutcome(driver, tenant, ids);
    const at = (q: number) => (asIngested.decidedAt[Math.ceil(q * asIngested.decidedAt.length) - 1]! - started) / 1000;
    const wallS = at(1);
    const decidedByS = { p50: at(0.5), p95: at(0.95), all: wallS };

    // What an operator does for a new tenant once its records are in: train its model, re-cluster with it.
    const retrainStarted = Date.now();
    const trained = await trainTenant(driver, tenant, { seed: o.seed });
    const plan = planRecluster(snapshotOfKind(await readTenantSnapshot(driver, tenant), trained.kind), trained.model);
    const applied = await applyRecluster(driver, tenant, plan);
    const retrain = {
      modelVersion: trained.model.version,
      seconds: (Date.now() - retrainStarted) / 1000,
      trainedOn: trained.stats.records,
      candidatePairs: trained.stats.candidatePairs,
      splits: applied.split.length,
      merges: applied.merged.length,
      reviewsOpened: applied.reviewsOpened,
      reviewsClosed: applied.reviewsClosed,
      skipped: applied.skipped.length,
    };
    o.log(`er:train + er:recluster: ${JSON.stringify(retrain)}`);
    const outcome = await readOutcome(driver, tenant, ids);
    return { ...outcome, asIngested, retrain, tenant, wallS, postS, decidedByS, eventsPerS: records.length / wallS };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await driver.close();
    sqs.destroy();
    await twin.stop();
    if (o.keepLogs) o.log(`twin logs kept in ${twin.runDir}`);
    else rmSync(twin.runDir, { recursive: true, force: true });
  }
}
