import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { DynamoDbAuditLedger } from '../core/audit/dynamodb-ledger.js';
import { verifyLedger } from '../core/audit/verify.js';
import { dynamoClient } from '../core/aws/dynamodb.js';
import { backupGraph } from '../core/backup/graph-backup.js';
import { graphSnapshot, loseRestoreReplayTwice } from '../core/backup/test-support/snapshot.js';
import { defaultErConfig } from '../core/er/config.js';
import { migrateEr } from '../core/er/migrations.js';
import { createDriver, Neo4jGraphRepository } from '../core/graph/index.js';
import { DynamoDbWriteJournal, type JournalEntry, replayJournal } from '../core/journal/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';
import { seedPairs } from './test-support/reviews.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
const journal = new DynamoDbWriteJournal({ client, tableName: tableName('local', tables.writeJournal) });
const ledger = new DynamoDbAuditLedger({ client, tableName: tableName('local', tables.auditLedger) });
let o: Awaited<ReturnType<typeof realOrigin>>;
let driver: Driver;
let dir: string;
beforeAll(async () => {
  driver = createDriver(t.neo4jUri);
  await migrateEr(driver);
  o = await realOrigin({ journal, ledger });
  dir = mkdtempSync(join(tmpdir(), 'graphgate-journal-reviews-'));
});
afterAll(async () => {
  await o?.close();
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const investigator = { roles: ['investigator'], clearances: ['pii'] };

async function gql(tenant: string, operation: string, variables: Record<string, unknown>) {
  const res = await o.yoga.fetch(
    await signedGraphqlRequest({ tenant, subject: 'ann', attributes: investigator, operation, variables }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields it asserts.
  const json = (await res.json()) as { data?: Record<string, any> | null; errors?: unknown[] };
  expect(json.errors).toBeUndefined();
  return json.data!;
}

const decide = async (tenant: string, id: string, decision: string) =>
  (await gql(tenant, 'DecideReviews', { ids: [id], decision, reason: `${decision.toLowerCase()} by ann` }))
    .decideReviews.outcomes[0];
const undo = async (tenant: string, id: string) => (await gql(tenant, 'UndoDecision', { id })).undoDecision;

async function journaled(tenant: string): Promise<JournalEntry['payload'][]> {
  const out: JournalEntry['payload'][] = [];
  for await (const e of journal.read(tenant, 0)) out.push(e.payload);
  return out;
}

describe('review decisions and undos are journaled by the origin and replayed after a restore', () => {
  it('brings back an ACCEPT (under its merge id), a REJECT, and undos: the graph as before the loss, twice', async () => {
    const tenant = testTenant('journal-reviews');
    const [p1, p2, p3, p4] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter', 'Ada Byrne', 'Omar Lind']);
    // Decided before the backup, undone after it: the undo must find the merge the backup holds.
    const early = await decide(tenant, p3!.reviewId, 'ACCEPT');
    await new Promise((r) => setTimeout(r, 5)); // its journal entry strictly before the backup's start
    const file = join(dir, `${tenant}.ndjson.gz`);
    const manifest = await backupGraph(driver, { tenants: [tenant], file });

    const accepted = await decide(tenant, p1!.reviewId, 'ACCEPT');
    const rejected = await decide(tenant, p2!.reviewId, 'REJECT');
    const undone = await undo(tenant, p3!.reviewId);
    await decide(tenant, p4!.reviewId, 'REJECT');
    const lifted = await undo(tenant, p4!.reviewId);
    const deps = { driver, repo: new Neo4jGraphRepository(driver), ledger, journal, erConfig: defaultErConfig };
    const { before, restored, first, afterFirst, second } = await loseRestoreReplayTwice(driver, tenant, file, () =>
      replayJournal(deps, tenant, Date.parse(manifest.startedAt)),
    );

    expect([early.outcome, accepted.outcome, rejected.outcome, undone.outcome, lifted.outcome]).toEqual(
      Array(5).fill('DONE'),
    );
    expect(accepted.mergeId).toEqual(expect.any(String));
    const ops = (await journaled(tenant)).map((p) => (p.kind === 'graphql' ? p.operation : p.kind));
    expect(ops).toEqual([
      'decideReview',
      'decideReview',
      'decideReview',
      'undoReviewDecision',
      'decideReview',
      'undoReviewDecision',
    ]);
    // The restore alone lost the five writes; the replay brings every node, relationship and property back.
    expect(restored).not.toEqual(before);
    expect(first).toMatchObject({ graphqlWrites: 5, graphqlAlreadyApplied: 0, graphqlRefused: 0 });
    expect(afterFirst).toEqual(before);
    expect(second).toMatchObject({ graphqlWrites: 0, graphqlAlreadyApplied: 5, graphqlRefused: 0 });
    expect(await graphSnapshot(driver, tenant)).toEqual(before);
    // The replayed accept kept its merge id: the candidate names it, and undoing it through the API works.
    const page = await gql(tenant, 'ReviewCandidate', { id: p1!.reviewId });
    expect(page.reviewCandidate).toMatchObject({ status: 'ACCEPTED', mergeId: accepted.mergeId });
    expect((await undo(tenant, p1!.reviewId)).outcome).toBe('DONE');
    // Replay appends nothing to the ledger: its chain verifies with the API's entries only.
    expect(await verifyLedger(tenant, ledger.read(tenant))).toMatchObject({ ok: true });
  });
});
