import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { dynamoClient } from '../aws/dynamodb.js';
import { tableName, tables } from '../resources/index.js';
import { DynamoDbAuditLedger } from './dynamodb-ledger.js';
import { LedgerInputError } from './errors.js';
import { verifyLedger } from './verify.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
afterAll(() => client.destroy());

/** One adapter per simulated process: each has its own head cache and append queue. */
const table = tableName('local', tables.auditLedger);
const process = () => new DynamoDbAuditLedger({ client, tableName: table });
const band = (subject: string, writer: string) => ({ kind: 'er.band', actor: writer, subject, data: { writer } });

async function subjectsOf(ledger: DynamoDbAuditLedger, tenant: string) {
  const subjects: string[] = [];
  for await (const e of ledger.read(tenant)) subjects.push(`${e.kind}:${e.subject}`);
  return subjects;
}

describe('DynamoDB audit ledger: appendOnce', () => {
  it('leaves one entry per subject when two processes append the same subjects at once, and the chain verifies', async () => {
    const tenant = testTenant('once-race');
    const [a, b] = [process(), process()];
    await a.append(tenant, { kind: 'stepup.verified', actor: 'x', subject: 'warm-up', data: {} });
    const subjects = Array.from({ length: 12 }, (_, i) => `ev-${i}`);

    const results = await Promise.all(
      subjects.flatMap((s) => [a.appendOnce(tenant, band(s, 'a')), b.appendOnce(tenant, band(s, 'b'))]),
    );

    const stored = await subjectsOf(a, tenant);
    expect(stored.filter((s) => s.startsWith('er.band:')).sort()).toEqual(subjects.map((s) => `er.band:${s}`).sort());
    expect(results.filter((r) => r.appended)).toHaveLength(subjects.length);
    for (const [i, s] of subjects.entries()) {
      // Both callers get the one stored entry of their subject.
      expect(results[2 * i]!.entry.hash).toBe(results[2 * i + 1]!.entry.hash);
      expect(results[2 * i]!.entry.subject).toBe(s);
    }
    expect(await verifyLedger(tenant, a.read(tenant))).toMatchObject({ ok: true, checked: subjects.length + 1 });
  });

  it('finds an entry another process appended after this one cached a later head (no look-back limit)', async () => {
    const tenant = testTenant('once-stale');
    const [a, b] = [process(), process()];
    const first = await a.appendOnce(tenant, band('ev-1', 'a'));
    // b caches a head past ev-1's entry before it ever sees ev-1.
    for (let i = 0; i < 3; i++) await b.append(tenant, { kind: 'policy.deny', actor: 'b', subject: null, data: { i } });

    const again = await b.appendOnce(tenant, band('ev-1', 'b'));

    expect(again).toEqual({ entry: first.entry, appended: false });
    expect(await subjectsOf(a, tenant)).toEqual([
      'er.band:ev-1',
      'policy.deny:null',
      'policy.deny:null',
      'policy.deny:null',
    ]);
  });

  it('counts only the same kind and subject as the same entry, never across tenants', async () => {
    const [tenant, other] = [testTenant('once-kinds'), testTenant('once-other')];
    const ledger = process();
    await ledger.appendOnce(tenant, band('ev-1', 'a'));

    const otherKind = await ledger.appendOnce(tenant, { ...band('ev-1', 'a'), kind: 'er.review' });
    const otherTenant = await ledger.appendOnce(other, band('ev-1', 'a'));

    expect([otherKind.appended, otherTenant.appended]).toEqual([true, true]);
    expect(await subjectsOf(ledger, tenant)).toEqual(['er.band:ev-1', 'er.review:ev-1']);
  });

  it('refuses a tenant id that could meet a once-marker partition', async () => {
    await expect(process().appendOnce('acme#once#x', band('ev-1', 'a'))).rejects.toBeInstanceOf(LedgerInputError);
  });
});

describe('DynamoDB audit ledger: appendAfter (blocks)', () => {
  const entry = (i: number) => ({
    kind: 'er.band',
    actor: 'w',
    subject: `ev-${i}`,
    data: { i, pad: 'x'.repeat(i % 7) },
  });

  it('stores a batch as blocks that every reader sees as single entries, from any seq', async () => {
    const tenant = testTenant('after-blocks');
    const writer = process();
    const first = await writer.append(tenant, { kind: 'policy.deny', actor: 'x', subject: null, data: {} });

    const written = await writer.appendAfter(
      tenant,
      first,
      Array.from({ length: 130 }, (_, i) => entry(i)),
    );
    const then = await writer.append(tenant, { kind: 'policy.deny', actor: 'x', subject: null, data: { after: 1 } });

    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: 130 }, (_, i) => i + 2));
    expect(then.seq).toBe(132);
    // A reader that never wrote: from the middle of a block, with a limit, and its head.
    const reader = process();
    const middle: number[] = [];
    for await (const e of reader.read(tenant, { fromSeq: 50, limit: 3 })) middle.push(e.seq);
    expect(middle).toEqual([50, 51, 52]);
    expect((await process().head(tenant))?.hash).toBe(then.hash);
    const all: string[] = [];
    for await (const e of reader.read(tenant)) all.push(e.hash);
    expect(all).toEqual([first, ...written, then].map((e) => e.hash));
    expect(await verifyLedger(tenant, process().read(tenant))).toMatchObject({ ok: true, checked: 132 });
  });

  it('writes nothing where another writer already took the next seq, and only a prefix when it loses midway', async () => {
    const tenant = testTenant('after-race');
    const [a, b] = [process(), process()];
    const start = await a.append(tenant, { kind: 'policy.deny', actor: 'a', subject: null, data: {} });
    await b.append(tenant, { kind: 'policy.deny', actor: 'b', subject: null, data: {} });

    expect(await a.appendAfter(tenant, start, [entry(1), entry(2)])).toEqual([]);
    const head = await a.head(tenant);
    const ok = await a.appendAfter(tenant, head, [entry(1)]);
    expect(ok.map((e) => e.seq)).toEqual([3]);
    expect(await verifyLedger(tenant, a.read(tenant))).toMatchObject({ ok: true, checked: 3 });
  });

  it('shows an entry edited inside a block as a hash mismatch at that entry', async () => {
    const tenant = testTenant('after-tamper');
    const ledger = process();
    await ledger.appendAfter(tenant, null, [entry(1), entry(2), entry(3)]);
    const key = { tenant: { S: tenant }, seq: { N: '1' } };
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    const stored = JSON.parse(Item!.entries!.S!) as { data: { i: number } }[];
    stored[1]!.data.i = 99;
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET entries = :e',
        ExpressionAttributeValues: { ':e': { S: JSON.stringify(stored) } },
      }),
    );

    expect((await verifyLedger(tenant, process().read(tenant))).firstBreak).toMatchObject({
      seq: 2,
      kind: 'HASH_MISMATCH',
    });
  });

  it('writes one item per entry with block writes off (while functions that cannot read blocks may run)', async () => {
    const tenant = testTenant('after-single');
    const ledger = new DynamoDbAuditLedger({ client, tableName: table, blockWrites: false });
    const written = await ledger.appendAfter(tenant, null, [entry(1), entry(2)]);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { tenant: { S: tenant }, seq: { N: '2' } }, ConsistentRead: true }),
    );
    expect(Item?.hash?.S).toBe(written[1]!.hash);
    expect(Item?.entries).toBeUndefined();
  });
});

describe('DynamoDB audit ledger: appendAll', () => {
  const decision = (writer: string, i: number) => ({
    kind: 'policy.decision',
    actor: writer,
    subject: `${writer}-${i}`,
    data: { i },
  });

  it('appends every entry in order when two processes append batches to one tenant at once, and the chain verifies', async () => {
    // Prepare: each process knows a head the other will move past (cached by its own first append).
    const tenant = testTenant('all-race');
    const [a, b] = [process(), process()];
    await a.append(tenant, { kind: 'policy.deny', actor: 'a', subject: null, data: {} });
    await b.append(tenant, { kind: 'policy.deny', actor: 'b', subject: null, data: {} });

    // Act: 130 each, so each batch is two blocks and a race can be lost after its first block.
    const [fromA, fromB] = await Promise.all([
      a.appendAll(
        tenant,
        Array.from({ length: 130 }, (_, i) => decision('a', i)),
      ),
      b.appendAll(
        tenant,
        Array.from({ length: 130 }, (_, i) => decision('b', i)),
      ),
    ]);

    // Assess: all 260 stored once, each writer's in its own order, at the seqs it was told, and nothing forked.
    const stored = await subjectsOf(process(), tenant);
    expect(stored).toHaveLength(262);
    for (const [writer, got] of [
      ['a', fromA],
      ['b', fromB],
    ] as const) {
      const own = stored.filter((s) => s.startsWith(`policy.decision:${writer}-`));
      expect(own).toEqual(Array.from({ length: 130 }, (_, i) => `policy.decision:${writer}-${i}`));
      expect(got.map((e) => e.subject)).toEqual(Array.from({ length: 130 }, (_, i) => `${writer}-${i}`));
      for (const e of got) expect(stored[e.seq - 1]).toBe(`policy.decision:${e.subject}`);
    }
    expect(await verifyLedger(tenant, process().read(tenant))).toMatchObject({ ok: true, checked: 262 });
  });

  it('writes a batch as blocks, not one item per entry', async () => {
    const tenant = testTenant('all-blocks');
    const writer = process();

    const written = await writer.appendAll(
      tenant,
      Array.from({ length: 30 }, (_, i) => decision('w', i)),
    );

    // The first entry's item holds the block: later entries have no item of their own.
    const item = async (seq: number) =>
      (
        await client.send(
          new GetItemCommand({ TableName: table, Key: { tenant: { S: tenant }, seq: { N: String(seq) } } }),
        )
      ).Item;
    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect((await item(1))?.entries).toBeDefined();
    expect(await item(2)).toBeUndefined();
    expect(await verifyLedger(tenant, process().read(tenant))).toMatchObject({ ok: true, checked: 30 });
  });
});
