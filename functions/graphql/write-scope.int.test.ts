import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import type { LedgerEntry } from '../core/audit/types.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { epochMs } from '../core/graph/model.js';
import { tableName, tables } from '../core/resources/index.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';

const t = twin();
const ledger = new DynamoDbAuditLedger({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.auditLedger),
});
let o: Awaited<ReturnType<typeof realOrigin>>;
beforeAll(async () => {
  o = await realOrigin({ ledger });
});
afterAll(() => o.close());

const investigator = { roles: ['investigator'], clearances: ['pii'] };
const analyst = { roles: ['analyst'] };
const viewer = { roles: ['viewer'] };
const secret = 'AB123456C';

type Caller = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: shapes differ per operation; each test asserts the fields it reads.
type Json = { data?: Record<string, any> | null; errors?: { message: string; extensions: Record<string, any> }[] };

async function gql(tenant: string, attributes: Caller, operation: string, variables: Record<string, unknown>) {
  const res = await o.yoga.fetch(await signedGraphqlRequest({ tenant, attributes, operation, variables }));
  return { status: res.status, json: (await res.json()) as Json };
}

/** An upsert; without `attributes` the stored ones are kept (and, before writes obeyed scope, returned). */
const entity = (id: string, dataClass: string, attributes?: Record<string, unknown>) => ({
  input: { id, kind: 'PERSON', names: [`Person ${id}`], dataClass, licence: 'INTERNAL_ONLY', attributes },
});

/** A tenant with one PII person (only investigators see it) and two plain entities. */
async function tenantWithPii(label: string) {
  const tenant = testTenant(label);
  const pii = await gql(tenant, investigator, 'UpsertEntity', entity('pii-1', 'PII', { passport: secret }));
  expect(pii.json.errors).toBeUndefined();
  for (const id of ['a', 'b']) {
    expect((await gql(tenant, analyst, 'UpsertEntity', entity(id, 'ENTITY'))).json.errors).toBeUndefined();
  }
  return tenant;
}

const asInvestigator = async (tenant: string, id: string) =>
  (await gql(tenant, investigator, 'GetEntity', { id })).json.data?.entity;

/** The error of a refused call without what differs per call (decision ids), for comparing two answers. */
const answer = (json: Json) => {
  const e = json.errors?.[0];
  return { data: json.data ?? null, code: e?.extensions.code, reasons: e?.extensions.reasons };
};

async function ledgerEntries(tenant: string, kind: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of ledger.read(tenant)) if (e.kind === kind) out.push(e);
  return out;
}

describe('writes obey the data-class scope (real Neo4j, OPA wasm, DynamoDB ledger)', () => {
  it('a two-hop neighbourhood never shows an entity reached only through a hidden one', async () => {
    const tenant = await tenantWithPii('ws-hops');
    for (const [from, to] of [
      ['a', 'pii-1'],
      ['pii-1', 'b'],
    ]) {
      const link = await gql(tenant, investigator, 'LinkEntities', { input: { from, to, type: 'KNOWS' } });
      expect(link.json.errors).toBeUndefined();
    }

    const asAnalyst = await gql(tenant, analyst, 'Neighbors', { id: 'a', hops: 2 });
    const asInvestigatorToo = await gql(tenant, investigator, 'Neighbors', { id: 'a', hops: 2 });

    expect(asAnalyst.json.data?.neighbors.entities).toEqual([]);
    expect(asAnalyst.json.data?.neighbors.relationships).toEqual([]);
    expect(asInvestigatorToo.json.data?.neighbors.entities.map((e: { id: string }) => e.id).sort()).toEqual([
      'b',
      'pii-1',
    ]);
  });

  it('an analyst cannot take over an expired PII entity the sweep has not reached, nor reach its links', async () => {
    const tenant = await tenantWithPii('ws-expired');
    expect(
      (await gql(tenant, investigator, 'LinkEntities', { input: { from: 'pii-1', to: 'a', type: 'KNOWS' } })).json
        .errors,
    ).toBeUndefined();
    await o.driver.executeQuery('MATCH (e:Entity {tenant: $tenant, id: $id}) SET e.expiresAt = $past', {
      tenant,
      id: 'pii-1',
      past: epochMs(Date.now() - 86_400_000),
    });

    const takeover = await gql(tenant, analyst, 'UpsertEntity', entity('pii-1', 'ENTITY'));
    const around = await gql(tenant, analyst, 'Neighbors', { id: 'a', hops: 1 });

    expect(answer(takeover.json)).toMatchObject({ data: null, code: 'POLICY_DENIED' });
    expect(JSON.stringify(around.json)).not.toContain('pii-1');
  });

  it('a viewer upserting an invisible PII entity is refused like a write to a missing id and gets nothing back', async () => {
    const tenant = await tenantWithPii('ws-viewer');

    const hidden = await gql(tenant, viewer, 'UpsertEntity', entity('pii-1', 'ENTITY'));
    const missing = await gql(tenant, viewer, 'UpsertEntity', entity('no-such-id', 'ENTITY'));

    expect(hidden.status).toBeLessThan(500);
    expect(JSON.stringify(hidden.json)).not.toContain(secret);
    expect(answer(hidden.json)).toEqual(answer(missing.json));
    expect(answer(hidden.json)).toMatchObject({ data: null, code: 'POLICY_DENIED' });
    expect(hidden.json.errors![0]!.extensions.reasons[0]).toMatchObject({ rule: 'write.role_cannot_write' });
    expect(await asInvestigator(tenant, 'pii-1')).toMatchObject({ dataClass: 'PII', attributes: { passport: secret } });
    const denies = await ledgerEntries(tenant, 'policy.decision');
    expect(denies.map((e) => [e.subject, e.data.allow, e.data.entrypoint])).toEqual([
      ['pii-1', false, 'graphgate/write/decision'],
      ['no-such-id', false, 'graphgate/write/decision'],
    ]);
  });

  it('an analyst cannot take over an invisible PII id: refused without a word about the record', async () => {
    const tenant = await tenantWithPii('ws-takeover');

    const hidden = await gql(tenant, analyst, 'UpsertEntity', entity('pii-1', 'ENTITY'));

    expect(JSON.stringify(hidden.json)).not.toMatch(/AB123456C|pii|passport/i);
    expect(hidden.json.errors![0]!.extensions).toMatchObject({
      code: 'POLICY_DENIED',
      reasons: [{ rule: 'write.current_class_out_of_scope', unlock: expect.stringContaining('omit the id') }],
    });
    expect(await asInvestigator(tenant, 'pii-1')).toMatchObject({ dataClass: 'PII', names: ['Person pii-1'] });
  });

  it('nobody lowers PII to ENTITY through upsert, not even a caller who sees PII', async () => {
    const tenant = await tenantWithPii('ws-lower');

    const lowered = await gql(tenant, investigator, 'UpsertEntity', entity('pii-1', 'ENTITY'));

    expect(lowered.json.errors![0]!.extensions).toMatchObject({
      code: 'POLICY_DENIED',
      reasons: [
        {
          rule: 'write.lowering_needs_reclassify',
          message: expect.stringContaining("Class 'pii' (sensitivity 7) to 'entity'"),
          unlock: expect.stringContaining('reclassifyEntity'),
        },
      ],
    });
    expect((await gql(tenant, viewer, 'GetEntity', { id: 'pii-1' })).json.data!.entity).toBeNull();
    expect(await asInvestigator(tenant, 'pii-1')).toMatchObject({ dataClass: 'PII' });
  });

  it('a token with no known role cannot create a PII entity (or any entity)', async () => {
    const tenant = testTenant('ws-norole');

    const unknown = await gql(tenant, { roles: ['root'] }, 'UpsertEntity', entity('n1', 'PII'));
    const none = await gql(tenant, {}, 'UpsertEntity', entity('n2', 'ENTITY'));

    const rules = (json: Json) => json.errors![0]!.extensions.reasons.map((r: { rule: string }) => r.rule);
    expect(rules(unknown.json)).toEqual(['write.new_class_out_of_scope', 'write.role_cannot_write']);
    expect(rules(none.json)).toEqual(['write.new_class_out_of_scope', 'write.role_cannot_write']);
    expect(await asInvestigator(tenant, 'n1')).toBeNull();
    expect(await asInvestigator(tenant, 'n2')).toBeNull();
  });

  it('linking to an invisible entity answers exactly as linking to a missing one', async () => {
    const tenant = await tenantWithPii('ws-link');

    const hidden = await gql(tenant, analyst, 'LinkEntities', { input: { from: 'a', to: 'pii-1', type: 'KNOWS' } });
    const missing = await gql(tenant, analyst, 'LinkEntities', { input: { from: 'a', to: 'zz-1', type: 'KNOWS' } });

    expect(hidden.json.errors![0]!.extensions.code).toBe('NOT_FOUND');
    expect(hidden.json.errors![0]!.message.replace('pii-1', 'ID')).toBe(
      missing.json.errors![0]!.message.replace('zz-1', 'ID'),
    );
    expect(hidden.json.data).toEqual(missing.json.data);
    const around = (await gql(tenant, investigator, 'Neighbors', { id: 'pii-1', hops: 1 })).json.data!.neighbors;
    expect(around.relationships).toEqual([]);
  });

  it('merging an invisible entity answers exactly as merging a missing one, and merges nothing', async () => {
    const tenant = await tenantWithPii('ws-merge');

    const hidden = await gql(tenant, analyst, 'MergeEntity', { survivorId: 'a', mergedId: 'pii-1' });
    const missing = await gql(tenant, analyst, 'MergeEntity', { survivorId: 'a', mergedId: 'zz-1' });

    expect(JSON.stringify(hidden.json)).not.toContain(secret);
    expect(hidden.json.errors![0]!.extensions.code).toBe('NOT_FOUND');
    expect(hidden.json.errors![0]!.message.replace('pii-1', 'ID')).toBe(
      missing.json.errors![0]!.message.replace('zz-1', 'ID'),
    );
    expect(await asInvestigator(tenant, 'pii-1')).toMatchObject({ dataClass: 'PII' });
    expect((await gql(tenant, analyst, 'GetEntity', { id: 'a' })).json.data!.entity.attributes).toEqual({});
  });

  it('unmerging a merge of invisible entities answers exactly as an unknown merge, and restores nothing', async () => {
    const tenant = await tenantWithPii('ws-unmerge');
    await gql(tenant, investigator, 'UpsertEntity', entity('pii-2', 'PII'));
    const merge = await gql(tenant, investigator, 'MergeEntity', { survivorId: 'pii-1', mergedId: 'pii-2' });
    const mergeId = merge.json.data!.mergeEntity.mergeId as string;

    const hidden = await gql(tenant, analyst, 'UnmergeEntity', { mergeId });
    const unknown = await gql(tenant, analyst, 'UnmergeEntity', { mergeId: 'no-such-merge' });

    expect(JSON.stringify(hidden.json)).not.toContain(secret);
    expect(hidden.json.errors![0]!.extensions.code).toBe('NOT_FOUND');
    expect(hidden.json.errors![0]!.message.replace(mergeId, 'ID')).toBe(
      unknown.json.errors![0]!.message.replace('no-such-merge', 'ID'),
    );
    expect(await asInvestigator(tenant, 'pii-2')).toBeNull();
  });

  it('an allowed merge keeps the stricter class: the analyst who owned the survivor can then neither read nor relabel it', async () => {
    const tenant = await tenantWithPii('ws-result');

    const merged = await gql(tenant, investigator, 'MergeEntity', { survivorId: 'a', mergedId: 'pii-1' });

    expect(merged.json.data!.mergeEntity.survivor).toMatchObject({ id: 'a', dataClass: 'PII' });
    expect((await gql(tenant, analyst, 'GetEntity', { id: 'a' })).json.data!.entity).toBeNull();
    const relabel = await gql(tenant, analyst, 'UpsertEntity', entity('a', 'ENTITY'));
    expect(relabel.json.errors![0]!.extensions.reasons[0].rule).toBe('write.current_class_out_of_scope');
  });

  it('an export refusal never names an entity the caller cannot see', async () => {
    const tenant = await tenantWithPii('ws-export');
    const vars = { selection: { ids: ['pii-1', 'a'] }, purpose: 'investigation', audience: 'INTERNAL' };

    const exported = await gql(tenant, analyst, 'ExportEntities', vars);

    expect(JSON.stringify(exported.json)).not.toContain('pii-1');
    expect(exported.json.errors![0]!.extensions).toMatchObject({ code: 'POLICY_DENIED', refused: [{ id: 'a' }] });
  });
});
