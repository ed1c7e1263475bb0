import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { DynamoDbWriteJournal, type JournalEntry } from '../core/journal/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';

const t = twin();
const journal = new DynamoDbWriteJournal({
  client: dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint }),
  tableName: tableName('local', tables.writeJournal),
});
let o: Awaited<ReturnType<typeof realOrigin>>;
beforeAll(async () => {
  o = await realOrigin({ journal });
});
afterAll(() => o.close());

const investigator = { roles: ['investigator'], clearances: ['pii'] };

async function gql(tenant: string, operation: string, variables: Record<string, unknown>) {
  const res = await o.yoga.fetch(
    await signedGraphqlRequest({ tenant, attributes: investigator, operation, variables }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts.
  return (await res.json()) as { data?: Record<string, any> | null; errors?: unknown[] };
}

async function journaled(tenant: string): Promise<JournalEntry['payload'][]> {
  const out: JournalEntry['payload'][] = [];
  for await (const e of journal.read(tenant, 0)) out.push(e.payload);
  return out;
}

describe('the origin journals merges and unmerges ahead, with their outcomes, for replay after a restore', () => {
  it('journals a merge with the mergeId it answered and the unmerge of that id; a refused merge is aborted', async () => {
    const tenant = testTenant('origin-journal');
    for (const id of ['a', 'b']) {
      const input = { id, kind: 'PERSON', names: [`Person ${id}`], dataClass: 'ENTITY', licence: 'INTERNAL_ONLY' };
      expect((await gql(tenant, 'UpsertEntity', { input })).errors).toBeUndefined();
    }

    const merged = await gql(tenant, 'MergeEntity', { survivorId: 'a', mergedId: 'b', reason: 'same' });
    const mergeId = merged.data!.mergeEntity.mergeId as string;
    const refused = await gql(tenant, 'MergeEntity', { survivorId: 'a', mergedId: 'zz-missing' });
    expect((await gql(tenant, 'UnmergeEntity', { mergeId })).errors).toBeUndefined();

    expect(refused.errors).toHaveLength(1);
    const entries = await journaled(tenant);
    const writes = entries.filter((p) => p.kind === 'graphql');
    expect(writes.map((p) => p.kind === 'graphql' && p.operation)).toEqual([
      'upsertEntity',
      'upsertEntity',
      'mergeEntity',
      'mergeEntity',
      'unmergeEntity',
    ]);
    expect(writes[2]).toMatchObject({ input: { survivorId: 'a', mergedId: 'b', reason: 'same', mergeId } });
    expect(writes[4]).toMatchObject({ input: { mergeId } });
    // Each intent has its outcome: the refused merge's is `aborted`, so replay skips it.
    const outcomes = new Map(entries.flatMap((p) => (p.kind === 'outcome' ? [[p.intent, p.outcome]] : [])));
    expect(writes.map((p) => p.kind === 'graphql' && outcomes.get(p.intent!))).toEqual([
      'committed',
      'committed',
      'committed',
      'aborted',
      'committed',
    ]);
  });
});
