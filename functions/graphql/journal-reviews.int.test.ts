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
import {
  DynamoDbWriteJournal,
  type JournalEntry,
  type JournalPayload,
  replayJournal,
  type WriteJournal,
} from '../core/journal/index.js';
import { tableName, tables } from '../core/resources/index.js';
import { realOrigin } from './test-support/real-origin.js';
import { signedGraphqlRequest } from './test-support/requests.js';
import { seedPairs } from './test-support/reviews.js';

const t = twin();
const client = dynamoClient({ region: t.region, endpoint: t.dynamoEndpoint });
const dynamo = new DynamoDbWriteJournal({ client, tableName: tableName('local', tables.writeJournal) });
/** The real DynamoDB journal, whose outcome appends can be made to fail (after the graph committed). */
const faults = { outcomes: false };
const journal: WriteJournal = {
  async append(tenant: string, payloads: readonly JournalPayload[]) {
    if (faults.outcomes && payloads.some((p) => p.kind === 'outcome')) throw new Error('injected: journal unreachable');
    return dynamo.append(tenant, payloads);
  },
  read: (tenant, sinceMs) => dynamo.read(tenant, sinceMs),
  tenants: () => dynamo.tenants(),
};
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

async function backup(tenant: string) {
  await new Promise((r) => setTimeout(r, 5)); // the journal entries before it strictly before its start
  const file = join(dir, `${tenant}.ndjson.gz`);
  const manifest = await backupGraph(driver, { tenants: [tenant], file });
  return { file, since: Date.parse(manifest.startedAt) };
}

const deps = () => ({ driver, repo: new Neo4jGraphRepository(driver), ledger, journal, erConfig: defaultErConfig });

const decide = async (tenant: string, id: string, decision: string) =>
  (await gql(tenant, 'DecideReviews', { ids: [id], decision, reason: `${decision.toLowerCase()} by ann` }))
    .decideReviews.outcomes[0];
const undo = async (tenant: string, id: string) => (await gql(tenant, 'UndoDecision', { id })).undoDecision;

async function journaled(tenant: string): Promise<JournalEntry['payload'][]> {
  const out: JournalEntry['payload'][] = [];
  for await (const e of dynamo.read(tenant, 0)) out.push(e.payload);
  return out;
}

describe('review decisions and undos are journaled by the origin and replayed after a restore', () => {
  it('brings back an ACCEPT (under its merge id), a REJECT, and undos: the graph as before the loss, twice', async () => {
    const tenant = testTenant('journal-reviews');
    const [p1, p2, p3, p4] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter', 'Ada Byrne', 'Omar Lind']);
    // Decided before the backup, undone after it: the undo must find the merge the backup holds.
    const early = await decide(tenant, p3!.reviewId, 'ACCEPT');
    const { file, since } = await backup(tenant);

    const accepted = await decide(tenant, p1!.reviewId, 'ACCEPT');
    const rejected = await decide(tenant, p2!.reviewId, 'REJECT');
    const undone = await undo(tenant, p3!.reviewId);
    await decide(tenant, p4!.reviewId, 'REJECT');
    const lifted = await undo(tenant, p4!.reviewId);
    const { before, restored, first, afterFirst, second } = await loseRestoreReplayTwice(driver, tenant, file, () =>
      replayJournal(deps(), tenant, since),
    );

    expect([early.outcome, accepted.outcome, rejected.outcome, undone.outcome, lifted.outcome]).toEqual(
      Array(5).fill('DONE'),
    );
    expect(accepted.mergeId).toEqual(expect.any(String));
    // Each journaled ahead: its intent (with the decision id it was answered with), then its committed outcome.
    const payloads = await journaled(tenant);
    const outcomes = new Map(payloads.flatMap((p) => (p.kind === 'outcome' ? [[p.intent, p.outcome]] : [])));
    const intents = payloads.flatMap((p) => (p.kind === 'graphql' ? [p] : []));
    expect(intents.map((p) => outcomes.get(p.intent!))).toEqual(Array(6).fill('committed'));
    expect(intents[1]!.input).toMatchObject({ decisionId: accepted.decisionId, mergeId: accepted.mergeId });
    expect(intents[3]!.input).toMatchObject({ decisionId: early.decisionId });
    expect(intents.map((p) => p.operation)).toEqual([
      'decideReview',
      'decideReview',
      'decideReview',
      'undoReviewDecision',
      'decideReview',
      'undoReviewDecision',
    ]);
    // The restore alone lost the five writes; the replay brings every node, relationship and property back.
    expect(restored).not.toEqual(before);
    expect(first).toMatchObject({ graphqlWrites: 5, graphqlAlreadyApplied: 0, graphqlRefused: 0, graphqlInDoubt: 0 });
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

  it('replays an in-doubt decision and undo the ledger shows committed, once, and leaves out one it does not', async () => {
    const tenant = testTenant('journal-reviews-doubt');
    const [p1, p2, p3] = await seedPairs(driver, tenant, ['Iris Kahn', 'Tomas Beck', 'Nia Okafor']);
    await decide(tenant, p2!.reviewId, 'REJECT');
    const { file, since } = await backup(tenant);

    // Committed in the graph, outcome lost: the reviewer sees FAILED and, told to, sends the call again.
    faults.outcomes = true;
    const failed = await decide(tenant, p1!.reviewId, 'ACCEPT');
    const failedUndo = (await gql(tenant, 'UndoDecision', { id: p2!.reviewId })).undoDecision;
    const notResent = await decide(tenant, p3!.reviewId, 'DEFER');
    faults.outcomes = false;
    const resent = await decide(tenant, p1!.reviewId, 'ACCEPT');
    const resentUndo = await undo(tenant, p2!.reviewId);
    const { before, first, afterFirst, second } = await loseRestoreReplayTwice(driver, tenant, file, () =>
      replayJournal(deps(), tenant, since),
    );

    expect([failed.outcome, failedUndo.outcome, notResent.outcome]).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(failed.message).toMatch(/may have been applied/);
    // The resends found the changes made, answered with the first call's decision, and appended the owed entries.
    expect([resent.outcome, resentUndo.outcome]).toEqual(['UNCHANGED', 'UNCHANGED']);
    const kinds = [];
    for await (const e of ledger.read(tenant))
      if (e.kind.startsWith('er.review.')) kinds.push([e.kind, e.data.decisionId]);
    expect(kinds).toEqual([
      ['er.review.decision', expect.any(String)],
      ['er.review.decision', resent.decisionId],
      ['er.review.undo', resentUndo.decisionId],
    ]);
    // Three intents without an outcome: the ledger shows two committed; the DEFER nobody was told of is left out. The
    // resent decision is `unchanged`; the resent undo, finding no decision in force, could change nothing: unjournaled.
    expect(first).toMatchObject({ graphqlInDoubt: 3, graphqlUnchanged: 1, graphqlWrites: 2, graphqlRefused: 0 });
    expect(first.inDoubtSkipped.map((x) => x.operation)).toEqual(['decideReview']);
    expect(second).toMatchObject({ graphqlInDoubt: 3, graphqlWrites: 0, graphqlAlreadyApplied: 2 });
    expect(await graphSnapshot(driver, tenant)).toEqual(afterFirst);
    // As before the loss except the DEFER: only p3's candidate and its decision differ, and p3 is open again.
    const page = (id: string) => gql(tenant, 'ReviewCandidate', { id });
    expect((await page(p1!.reviewId)).reviewCandidate).toMatchObject({ status: 'ACCEPTED', mergeId: resent.mergeId });
    expect((await page(p2!.reviewId)).reviewCandidate).toMatchObject({ status: 'OPEN' });
    expect((await page(p3!.reviewId)).reviewCandidate).toMatchObject({ status: 'OPEN', decisions: [] });
    const lost = before.nodes.filter((n) => !afterFirst.nodes.includes(n));
    const gained = afterFirst.nodes.filter((n) => !before.nodes.includes(n));
    expect([lost.length, gained.length]).toEqual([2, 1]);
    expect([...lost, ...gained].every((n) => n.includes(p3!.reviewId))).toBe(true);
  });
});
