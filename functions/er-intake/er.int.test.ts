import { DeleteItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueuePair, queueCount } from '../../infra/local/queues.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { waitFor } from '../../infra/local/wait-for.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { verifyLedger } from '../core/audit/verify.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { sqsClient } from '../core/aws/sqs.js';
import { createUpstashCache, tenantPrefix } from '../core/cache/index.js';
import { applyEvents, entityIdFor } from '../core/er/apply.js';
import { defaultErConfig } from '../core/er/config.js';
import { createErIdempotency } from '../core/er/idempotency.js';
import { storedModels } from '../core/er/model-store.js';
import type { SourceRecord } from '../core/er/schemas.js';
import { envelopeFor, personRecord } from '../core/er/test-support/records.js';
import { unmergeTx } from '../core/graph/index.js';
import { payloadHash } from '../core/idempotency/events.js';
import { bodyHash } from '../core/idempotency/failures.js';
import { tableName, tables } from '../core/resources/index.js';
import { type IntakeRecord, processBatch } from './consumer.js';
import { PromIntakeMetrics } from './metrics.js';
import { type ConsumerRuntime, createConsumerRuntime } from './runtime.js';
import { twinConsumerConfig, twinWorker } from './test-support/twin-consumer.js';

const t = twin();
const sqs = sqsClient({ region: t.region, endpoint: t.sqsEndpoint });
const ddb = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
const ledger = new DynamoDbAuditLedger({ client: ddb, tableName: tableName('local', tables.auditLedger) });
let runtime: ConsumerRuntime;

const message = (body: unknown, id = Math.random().toString(36).slice(2), receiveCount = 1): IntakeRecord => ({
  messageId: id,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()) },
});

async function apply(tenant: string, key: string, record: SourceRecord) {
  const { results } = await processBatch(runtime.deps, [message(envelopeFor(tenant, key, record))], () => 5000);
  return results[0]!;
}

async function query<T = Record<string, unknown>>(cypher: string, params: Record<string, unknown>): Promise<T[]> {
  const driver = (await import('../core/graph/driver.js')).createDriver(t.neo4jUri);
  try {
    const { records } = await driver.executeQuery(cypher, params);
    return records.map((r) => r.toObject() as T);
  } finally {
    await driver.close();
  }
}

const decision = async (tenant: string, key: string) =>
  (
    await query<{ d: Record<string, unknown> }>(
      'MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId}) RETURN properties(d) AS d',
      { tenant, eventId: `ev-${key}` },
    )
  )[0]?.d;

/** The consumer's deps with a key claim that has never seen any key: as when a key's claim expired or was lost. */
const withoutClaims = () => ({
  ...runtime.deps,
  claim: createErIdempotency({
    client: ddb,
    tableName: tableName('local', tables.idempotency),
    keyPrefix: `lost-${Math.random().toString(36).slice(2, 10)}`,
  }),
});

/** Deletes the idempotency claim that holds `record`'s hash (what its expiry does), leaving the graph as it is. */
async function dropClaimOf(record: SourceRecord): Promise<void> {
  const { Items = [] } = await ddb.send(
    new ScanCommand({
      TableName: tableName('local', tables.idempotency),
      FilterExpression: 'validation = :h',
      ExpressionAttributeValues: { ':h': { S: payloadHash(record) } },
    }),
  );
  expect(Items).toHaveLength(1);
  await ddb.send(
    new DeleteItemCommand({ TableName: tableName('local', tables.idempotency), Key: { id: Items[0]!.id! } }),
  );
}

beforeAll(async () => {
  runtime = await createConsumerRuntime(twinConsumerConfig(t), new PromIntakeMetrics(), {
    migrate: true,
    log: () => {},
  });
});
afterAll(async () => {
  await runtime.close();
  sqs.destroy();
  ddb.destroy();
});

describe('ER consumer on the twin', () => {
  it('creates a new entity for an unmatched record (LOW) and chains an er.band ledger entry', async () => {
    const tenant = testTenant('er-low');
    expect(await apply(tenant, 'k1', personRecord({ names: ['Ada Lovelace'] }))).toMatchObject({
      ok: true,
      duplicate: false,
    });
    expect(await decision(tenant, 'k1')).toMatchObject({
      band: 'LOW',
      entityId: entityIdFor('ev-k1'),
      ledgerSeq: expect.anything(),
    });
    const report = await verifyLedger(tenant, ledger.read(tenant));
    expect(report).toMatchObject({ ok: true, lastSeq: 1 });
  });

  it('merges automatically on a shared identifier and name (HIGH), and an unmerge restores both entities', async () => {
    const tenant = testTenant('er-high');
    const ids = [{ scheme: 'passport', value: 'P-123' }];
    await apply(tenant, 'k1', personRecord({ names: ['Grace Hopper'], identifiers: ids }));
    await apply(tenant, 'k2', personRecord({ names: ['Grace  HOPPER'], identifiers: ids }));
    const d = await decision(tenant, 'k2');
    expect(d).toMatchObject({ band: 'HIGH', candidateId: entityIdFor('ev-k1'), mergeId: expect.any(String) });
    const explanation = JSON.parse(String(d!.explanation)) as { waterfall: { comparison: string; level: string }[] };
    expect(explanation.waterfall.map((w) => [w.comparison, w.level])).toEqual([
      ['name', 'exact'],
      ['identifier:passport', 'exact'],
      ['address', 'missing'],
    ]);
    expect(d!.modelVersion).toMatch(/^fs-[0-9a-f]{16}$/);
    const live = () =>
      query<{ id: string }>('MATCH (e:Entity {tenant: $tenant}) WHERE e.mergedInto IS NULL RETURN e.id AS id', {
        tenant,
      });
    expect(await live()).toHaveLength(1);

    const driver = (await import('../core/graph/driver.js')).createDriver(t.neo4jUri);
    try {
      await driver
        .session()
        .executeWrite((tx) => unmergeTx(tx, tenant, { mergeId: String(d!.mergeId), actor: 'reviewer' }));
    } finally {
      await driver.close();
    }
    expect((await live()).map((r) => r.id).sort()).toEqual([entityIdFor('ev-k1'), entityIdFor('ev-k2')].sort());
  });

  it('evicts the cached reads of both entities when it merges them (the response cache the origin reads)', async () => {
    // Prepare: a cached read of each entity-to-be, as the origin stores it (tagged Entity:<id>), in the twin's Upstash.
    const tenant = testTenant('er-cache');
    const store = createUpstashCache(new Redis({ url: t.upstashUrl, token: t.upstashToken }));
    const cache = store.forTenant(tenant);
    const key = (id: string) => `${tenantPrefix(tenant)}test-${id}`;
    const ids = [{ scheme: 'passport', value: 'P-24680-13' }];
    await apply(tenant, 'k1', personRecord({ names: ['Hedy Lamarr'], identifiers: ids }));
    for (const id of [entityIdFor('ev-k1'), 'unrelated']) {
      await cache.set(key(id), { data: { entity: { id } } }, [{ typename: 'Entity', id }], 60_000);
    }
    expect(await cache.get(key(entityIdFor('ev-k1')))).toBeDefined();

    // Act: a second record of the same person merges into the first.
    await apply(tenant, 'k2', personRecord({ names: ['Hedy Lamarr'], identifiers: ids }));

    // Assess
    expect(await decision(tenant, 'k2')).toMatchObject({ band: 'HIGH' });
    expect(await cache.get(key(entityIdFor('ev-k1')))).toBeUndefined();
    expect(await cache.get(key('unrelated'))).toBeDefined();
  });

  it('creates a review candidate for a matching name with nothing else to compare (MID)', async () => {
    const tenant = testTenant('er-mid');
    await apply(tenant, 'k1', personRecord({ names: ['Alan Turing'] }));
    await apply(tenant, 'k2', personRecord({ names: ['Alan Turing'] }));
    expect(await decision(tenant, 'k2')).toMatchObject({ band: 'MID', reviewId: expect.any(String) });
    const review = await query(
      'MATCH (r:ReviewCandidate {tenant: $tenant}) RETURN r.status AS status, r.candidateId AS c',
      { tenant },
    );
    expect(review).toEqual([{ status: 'OPEN', c: entityIdFor('ev-k1') }]);
  });

  it('applies a group of events in one transaction in order, and a failing event fails only itself', async () => {
    // Prepare
    const tenant = testTenant('er-group');
    const ids = [{ scheme: 'passport', value: 'P-777' }];
    const k1 = envelopeFor(tenant, 'k1', personRecord({ names: ['Barbara Liskov'], identifiers: ids }));
    const k2 = envelopeFor(tenant, 'k2', personRecord({ names: ['Barbara Liskov'], identifiers: ids }));
    const k4 = envelopeFor(tenant, 'k4', personRecord({ names: ['Niklaus Wirth'] }));
    const bad = envelopeFor(tenant, 'k3', personRecord({ names: ['Ken Thompson'] }), 'x'.repeat(200));
    const driver = (await import('../core/graph/driver.js')).createDriver(t.neo4jUri);
    try {
      const work = (envs: (typeof k1)[]) => envs.map((envelope) => ({ envelope }));
      // Act
      const models = storedModels(driver);
      const results = await applyEvents(driver, work([k1, k2, k1]), defaultErConfig, models);
      const withBad = await applyEvents(driver, work([k4, bad]), defaultErConfig, models);
      // Assess: k2 sees k1 written earlier in the same group; k1 twice is applied once; the bad id fails alone.
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(withBad.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      const [r1, r2, r3] = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
      expect(r1).toMatchObject({ applied: true, outcome: { band: 'LOW' } });
      expect(r2).toMatchObject({ applied: true, outcome: { band: 'HIGH', candidateId: entityIdFor('ev-k1') } });
      expect(r3).toMatchObject({ applied: false, outcome: { band: 'LOW', eventId: 'ev-k1' } });
      const markers = await query('MATCH (a:AppliedEvent {tenant: $tenant}) RETURN a.eventId AS e', { tenant });
      expect(markers.map((m) => m.e).sort()).toEqual(['ev-k1', 'ev-k2', 'ev-k4']);
    } finally {
      await driver.close();
    }
  });

  it('applies a redelivered event once, also when its idempotency record is lost (graph marker)', async () => {
    const tenant = testTenant('er-redeliver');
    const body = envelopeFor(tenant, 'k1', personRecord({ names: ['Edsger Dijkstra'] }));
    const first = await processBatch(runtime.deps, [message(body)], () => 5000);
    const again = await processBatch(runtime.deps, [message(body), message(body)], () => 5000);
    expect(first.results[0]?.duplicate).toBe(false);
    expect(again.results.every((r) => r.ok && r.duplicate)).toBe(true);
    // The key's record gone (expired, or another key prefix): the graph marker still answers with the stored decision.
    expect((await processBatch(withoutClaims(), [message(body)], () => 5000)).results[0]).toMatchObject({
      ok: true,
      duplicate: true,
    });
    const counts = await query<{ n: number }>('MATCH (e:Entity {tenant: $tenant}) RETURN count(e) AS n', { tenant });
    expect(Number(counts[0]!.n)).toBe(1);
    expect((await verifyLedger(tenant, ledger.read(tenant))).lastSeq).toBe(1);
  });

  it('refuses another record under an applied event once its key claim is gone: the marker keeps the hash', async () => {
    // Prepare: an applied event; its key's claim then gone (expired, or first used under the earlier key layer).
    const tenant = testTenant('er-late-conflict');
    const conflicting = JSON.stringify(envelopeFor(tenant, 'k1', personRecord({ names: ['Someone Else'] })));
    expect(await apply(tenant, 'k1', personRecord({ names: ['Frances Allen'] }))).toMatchObject({
      ok: true,
      duplicate: false,
    });

    // Act
    const refused = await processBatch(withoutClaims(), [message(conflicting, 'm-conflict')], () => 5000);

    // Assess: the path of a poison message (a failed item, its code stored under the body), and nothing changed.
    expect(refused.batchItemFailures).toEqual([{ itemIdentifier: 'm-conflict' }]);
    expect(refused.results[0]).toMatchObject({ ok: false, code: 'CONFLICTING_PAYLOAD' });
    expect(await runtime.deps.failures.get(bodyHash(conflicting))).toMatchObject({ code: 'CONFLICTING_PAYLOAD' });
    expect(await decision(tenant, 'k1')).toMatchObject({ band: 'LOW', entityId: entityIdFor('ev-k1') });
    const names = await query<{ names: string[] }>('MATCH (e:Entity {tenant: $tenant}) RETURN e.names AS names', {
      tenant,
    });
    expect(names).toEqual([{ names: ['Frances Allen'] }]);
  });

  it('answers another record with the stored decision when its marker predates the hash (nothing to compare)', async () => {
    // Prepare: an applied event whose marker was written before markers kept the record's hash.
    const tenant = testTenant('er-old-marker');
    await apply(tenant, 'k1', personRecord({ names: ['John Backus'] }));
    await query('MATCH (a:AppliedEvent {tenant: $tenant, eventId: $eventId}) REMOVE a.recordHash', {
      tenant,
      eventId: 'ev-k1',
    });
    const other = envelopeFor(tenant, 'k1', personRecord({ names: ['Someone Else'] }));

    // Act
    const { results } = await processBatch(withoutClaims(), [message(other)], () => 5000);

    // Assess
    expect(results[0]).toMatchObject({ ok: true, duplicate: true });
    expect(await decision(tenant, 'k1')).toMatchObject({ band: 'LOW', entityId: entityIdFor('ev-k1') });
  });

  it('catches an edited ledger entry as a hash mismatch at that entry', async () => {
    const tenant = testTenant('er-tamper');
    for (const k of ['k1', 'k2', 'k3']) await apply(tenant, k, personRecord({ names: [`Person ${k}`] }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: tableName('local', tables.auditLedger),
        Key: { tenant: { S: tenant }, seq: { N: '2' } },
        UpdateExpression: 'SET #d = :d',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':d': { S: '{"band":"HIGH"}' } },
      }),
    );
    expect((await verifyLedger(tenant, ledger.read(tenant))).firstBreak).toMatchObject({
      seq: 2,
      kind: 'HASH_MISMATCH',
    });
  });
});

describe('ER worker, DLQ and replay on the twin', () => {
  const workerOn = (pair: { queueUrl: string; dlqUrl: string }, env: Record<string, string> = {}) =>
    twinWorker(t, pair, env);

  // The key claim refuses a conflicting record while it lasts; once it is gone (expired, or a key claimed afresh from
  // the Powertools layer), the applied marker's record hash does.
  it.each([
    ['after maxReceiveCount with its reason retrievable', 'er-conflict', false],
    ['also after the key claim is gone (the applied marker refuses it)', 'er-marker-conflict', true],
  ])('sends a conflicting payload to the DLQ %s', async (_, name, dropClaim) => {
    const tenant = testTenant(name);
    const pair = await createQueuePair(sqs, `${name}-${tenant}`, { visibilityTimeoutS: 2 });
    const worker = await workerOn(pair);
    try {
      const original = personRecord({ names: ['Frances Allen'] });
      const conflicting = JSON.stringify(envelopeFor(tenant, 'k1', personRecord({ names: ['Someone Else'] })));
      const body = JSON.stringify(envelopeFor(tenant, 'k1', original));
      await sqs.send(new SendMessageCommand({ QueueUrl: pair.queueUrl, MessageBody: body }));
      await waitFor('original applied', async () => ((await decision(tenant, 'k1')) ? true : undefined));
      if (dropClaim) await dropClaimOf(original);
      await sqs.send(new SendMessageCommand({ QueueUrl: pair.queueUrl, MessageBody: conflicting }));
      await waitFor(
        'conflict in DLQ',
        async () => ((await queueCount(sqs, pair.dlqUrl)).visible === 1 ? true : undefined),
        45_000,
      );
      expect(await runtime.deps.failures.get(bodyHash(conflicting))).toMatchObject({
        code: 'CONFLICTING_PAYLOAD',
        receiveCount: 3,
      });
      expect(await decision(tenant, 'k1')).toMatchObject({ band: 'LOW', entityId: entityIdFor('ev-k1') });
    } finally {
      await worker.stop();
    }
  });
});
