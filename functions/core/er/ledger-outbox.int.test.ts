import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../audit/dynamodb-ledger.js';
import { verifyLedger } from '../audit/verify.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { createDriver } from '../graph/driver.js';
import { migrate } from '../graph/migrations.js';
import { tableName, tables } from '../resources/index.js';
import { applyEvent, type BandEntry } from './apply.js';
import { defaultErConfig } from './config.js';
import { getDecisionCypher } from './cypher.js';
import { ledgerChainer } from './ledger-outbox.js';
import { migrateEr } from './migrations.js';
import { defaultModel } from './model/defaults.js';
import { envelopeFor, personRecord } from './test-support/records.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
let driver: Driver;
beforeAll(async () => {
  driver = createDriver(t.neo4jUri);
  await migrate(driver);
  await migrateEr(driver);
});
afterAll(async () => {
  client.destroy();
  await driver.close();
});

/** One simulated process: its own ledger adapter (head cache) and its own chainer (cursor cache). */
const processOf = () => {
  const ledger = new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) });
  return { ledger, chain: ledgerChainer(driver, ledger) };
};

/** Applies `n` distinct events of the tenant; their decisions wait in the outbox. */
async function decided(tenant: string, n: number): Promise<BandEntry[]> {
  const entries: BandEntry[] = [];
  for (let i = 0; i < n; i++) {
    const record = personRecord({ names: [`Outbox Person ${tenant.slice(-6)} ${i}`] });
    const { entry } = await applyEvent(driver, envelopeFor(tenant, `k${i}`, record), defaultErConfig, defaultModel);
    entries.push(entry!);
  }
  return entries;
}

async function bandSubjects(ledger: DynamoDbAuditLedger, tenant: string): Promise<string[]> {
  const subjects: string[] = [];
  for await (const e of ledger.read(tenant)) if (e.kind === 'er.band') subjects.push(String(e.subject));
  return subjects.sort();
}

async function recordedSeq(tenant: string, eventId: string): Promise<number | null> {
  const { records } = await driver.executeQuery(getDecisionCypher.cypher, { tenant, eventId });
  const seq = (records[0]!.get('decision') as { ledgerSeq?: { toNumber(): number } }).ledgerSeq;
  return seq == null ? null : seq.toNumber();
}

describe('ledger outbox: each decision reaches the audit ledger exactly once', () => {
  it('appends a batch after entries other writers made, and records each seq on its decision', async () => {
    const tenant = testTenant('outbox-batch');
    const { ledger, chain } = processOf();
    await ledger.append(tenant, { kind: 'stepup.verified', actor: 'x', subject: 'before', data: {} });
    const entries = await decided(tenant, 6);

    const seqs = await Promise.all(entries.map((e) => chain(tenant, e)));

    expect(new Set(seqs).size).toBe(entries.length);
    for (const [i, e] of entries.entries()) expect(await recordedSeq(tenant, e.subject)).toBe(seqs[i]);
    for await (const stored of ledger.read(tenant, { fromSeq: Math.min(...seqs) })) {
      if (stored.kind !== 'er.band') continue;
      const mine = entries.find((e) => e.subject === stored.subject)!;
      expect(stored.data).toEqual(JSON.parse(JSON.stringify(mine.data)));
    }
    expect(await verifyLedger(tenant, ledger.read(tenant))).toMatchObject({ ok: true, checked: 7 });
  });

  it('leaves one entry per decision when two processes chain the same decisions at once', async () => {
    const tenant = testTenant('outbox-race');
    const [a, b] = [processOf(), processOf()];
    await a.ledger.append(tenant, { kind: 'policy.deny', actor: 'x', subject: null, data: {} });
    const entries = await decided(tenant, 10);

    const [fromA, fromB] = await Promise.all([
      Promise.all(entries.map((e) => a.chain(tenant, e))),
      Promise.all([...entries].reverse().map((e) => b.chain(tenant, e))),
    ]);

    expect(fromB.reverse()).toEqual(fromA);
    expect(await bandSubjects(a.ledger, tenant)).toEqual(entries.map((e) => e.subject).sort());
    expect((await verifyLedger(tenant, a.ledger.read(tenant))).ok).toBe(true);
  });

  it('finds entries a chainer appended before it died unrecorded, and appends no twin', async () => {
    const tenant = testTenant('outbox-crash');
    const dead = processOf();
    const entries = await decided(tenant, 4);
    // Establish the tenant's cursor, then append two entries the way a chainer does, and die before recording them.
    await dead.chain(tenant, entries[0]!);
    const head = await dead.ledger.head(tenant);
    const orphans = await dead.ledger.appendAfter(tenant, head, [entries[1]!, entries[2]!]);
    expect(orphans).toHaveLength(2);
    expect(await recordedSeq(tenant, entries[1]!.subject)).toBeNull();

    const next = processOf();
    const seqs = await Promise.all(entries.slice(1).map((e) => next.chain(tenant, e)));

    expect(seqs.slice(0, 2)).toEqual(orphans.map((o) => o.seq));
    expect(await bandSubjects(next.ledger, tenant)).toEqual(entries.map((e) => e.subject).sort());
    expect(await recordedSeq(tenant, entries[1]!.subject)).toBe(orphans[0]!.seq);
  });

  it('answers a stale copy with the recorded seq after the cursor moved past its entry (a redelivery)', async () => {
    const tenant = testTenant('outbox-stale');
    const first = processOf();
    const entries = await decided(tenant, 2);
    // A second process reads the cursor now; the first then chains entry 0 and moves the cursor past it.
    const late = processOf();
    await late.chain(tenant, entries[1]!);
    const seq0 = await first.chain(tenant, entries[0]!);
    for (let i = 0; i < 3; i++) await first.ledger.append(tenant, { kind: 'policy.deny', actor: 'x', data: { i } });
    await first.chain(tenant, entries[1]!);

    // A fresh process starts from the cursor, which is past entry 0: the graph says where entry 0 is.
    const fresh = processOf();
    expect(await fresh.chain(tenant, entries[0]!)).toBe(seq0);
    expect(await late.chain(tenant, entries[0]!)).toBe(seq0);
    expect(await bandSubjects(fresh.ledger, tenant)).toEqual(entries.map((e) => e.subject).sort());
  });

  it('starts again from the cursor when the graph is behind what it recorded (restored from a backup)', async () => {
    const tenant = testTenant('outbox-restore');
    const warm = processOf();
    const entries = await decided(tenant, 3);
    await warm.chain(tenant, entries[0]!);
    const seq1 = await warm.chain(tenant, entries[1]!);
    await warm.chain(tenant, entries[2]!);
    // The restore: the graph as it was before entry 1 was recorded (its decision without a seq, the cursor before it).
    await driver.executeQuery(
      `MATCH (d:ErDecision {tenant: $tenant, eventId: $eventId}) REMOVE d.ledgerSeq
       WITH 1 AS one MATCH (c:ErLedgerCursor {tenant: $tenant}) SET c.seq = $seq`,
      { tenant, eventId: entries[1]!.subject, seq: seq1 - 1 },
    );

    expect(await warm.chain(tenant, entries[1]!)).toBe(seq1);
    expect(await bandSubjects(warm.ledger, tenant)).toEqual(entries.map((e) => e.subject).sort());
    expect(await recordedSeq(tenant, entries[1]!.subject)).toBe(seq1);
  });
});
