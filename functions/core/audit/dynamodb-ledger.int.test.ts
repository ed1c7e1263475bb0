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
const process = () => new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) });
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
