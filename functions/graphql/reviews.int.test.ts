import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgePerson } from '../../infra/local/test-support/edge-person.js';
import { stepUpStack } from '../../infra/local/test-support/stepup-stack.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { applyEvent } from '../core/er/apply.js';
import { defaultErConfig } from '../core/er/config.js';
import { migrateEr } from '../core/er/migrations.js';
import { defaultModel } from '../core/er/model/defaults.js';
import { planRecluster } from '../core/er/recluster.js';
import { readTenantSnapshot } from '../core/er/tenant-records.js';
import { envelopeFor } from '../core/er/test-support/records.js';
import { createDriver } from '../core/graph/driver.js';
import { seedPairs } from './test-support/reviews.js';

const pageOrigin = 'http://localhost:4300';
let stack: Awaited<ReturnType<typeof stepUpStack>>;
let driver: Driver;

beforeAll(async () => {
  stack = await stepUpStack({ pageOrigin });
  driver = createDriver(twin().neo4jUri);
  await migrateEr(driver);
});
afterAll(async () => {
  await driver?.close();
  await stack?.close();
});

const investigator = { roles: ['investigator'], clearances: ['pii'] };
const reviewer = (tenant: string, subject: string, claims: Record<string, unknown> = investigator) =>
  edgePerson(stack, pageOrigin, tenant, subject, claims);

const mergedInto = async (tenant: string, id: string) => {
  const { records } = await driver.executeQuery(
    'MATCH (e:Entity {tenant: $tenant, id: $id}) RETURN e.mergedInto AS m',
    {
      tenant,
      id,
    },
  );
  return (records[0]?.get('m') as string | null) ?? null;
};
const notSameCount = async (tenant: string) => {
  const { records } = await driver.executeQuery('MATCH (n:ErNotSame {tenant: $tenant}) RETURN count(n) AS n', {
    tenant,
  });
  return Number(records[0]?.get('n'));
};
const outcomesOf = (json: { data?: { [k: string]: { outcomes: { id: string; outcome: string }[] } } }, f: string) =>
  json.data![f]!.outcomes.map((o) => [o.id, o.outcome]);

describe('review queue API (edge, step-up on dynalite, OPA wasm, Neo4j, ledger)', () => {
  it('lists, filters, pages and counts the queue, and shows a candidate with both records and the waterfall', async () => {
    const tenant = testTenant('rq-list');
    const pairs = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter', 'Ada Byrne']);
    const ann = await reviewer(tenant, 'ann');

    const all = await ann.call('ReviewQueue', { first: 2 });
    const rest = await ann.call('ReviewQueue', { first: 2, after: all.json.data.reviewQueue.endCursor });
    const carter = await ann.call('ReviewQueue', { filter: { text: 'carter' } });
    const sure = await ann.call('ReviewQueue', { filter: { minProbability: 0.999 } });
    const crm = await ann.call('ReviewQueue', { filter: { sourceSystem: 'crm', kinds: ['PERSON'] } });
    const other = await ann.call('ReviewQueue', { filter: { sourceSystem: 'ledger' } });
    const detail = await ann.call('ReviewCandidate', { id: pairs[0]!.reviewId });

    expect(all.json.errors).toBeUndefined();
    expect(all.json.data.reviewQueue).toMatchObject({ totalCount: 3, hasNextPage: true });
    expect(rest.json.data.reviewQueue).toMatchObject({ totalCount: 3, hasNextPage: false });
    const listed = [...all.json.data.reviewQueue.items, ...rest.json.data.reviewQueue.items].map((r) => r.id);
    expect(listed.sort()).toEqual(pairs.map((p) => p.reviewId).sort());
    expect(carter.json.data.reviewQueue.items.map((r: { id: string }) => r.id)).toEqual([pairs[1]!.reviewId]);
    expect(sure.json.data.reviewQueue.totalCount).toBe(0);
    expect(crm.json.data.reviewQueue.totalCount).toBe(3);
    expect(other.json.data.reviewQueue.totalCount).toBe(0);
    const d = detail.json.data.reviewCandidate;
    expect(d).toMatchObject({
      id: pairs[0]!.reviewId,
      status: 'OPEN',
      band: 'MID',
      probability: pairs[0]!.probability,
      modelVersion: defaultModel.version,
      entity: { id: pairs[0]!.entityId, names: ['Mary Smith'], sources: [{ system: 'crm' }] },
      candidate: { id: pairs[0]!.candidateId, sources: [{ system: 'crm' }] },
      explanation: { probability: expect.any(Number), modelVersion: defaultModel.version },
      decisions: [],
    });
    expect(d.explanation.waterfall.length).toBeGreaterThan(0);
    expect(d.explanation.waterfall[0]).toEqual(
      expect.objectContaining({
        comparison: expect.any(String),
        level: expect.any(String),
        log2bf: expect.any(Number),
      }),
    );
  });

  it('accepts in bulk after step-up, reports each id (partial failure), is idempotent on retry, audits each once', async () => {
    const tenant = testTenant('rq-bulk');
    const [p1, p2] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter']);
    const ann = await reviewer(tenant, 'ann');
    const ids = [p1!.reviewId, 'rv-missing', p2!.reviewId];
    const vars = { ids, decision: 'ACCEPT', reason: 'same passport holder per registry' };

    const refused = await ann.call('DecideReviews', vars);
    const grant = await ann.stepUp(['mutate:merge']);
    const first = await ann.call('DecideReviews', vars, grant);
    const retry = await ann.call('DecideReviews', vars, grant);

    expect(refused.status).toBe(401);
    expect(refused.json.errors![0].extensions).toMatchObject({ code: 'STEP_UP_REQUIRED' });
    expect(first.json.errors).toBeUndefined();
    expect(outcomesOf(first.json, 'decideReviews')).toEqual([
      [p1!.reviewId, 'DONE'],
      ['rv-missing', 'NOT_FOUND'],
      [p2!.reviewId, 'DONE'],
    ]);
    expect(first.json.data.decideReviews).toMatchObject({ succeeded: 2, failed: 1 });
    expect(outcomesOf(retry.json, 'decideReviews')).toEqual([
      [p1!.reviewId, 'UNCHANGED'],
      ['rv-missing', 'NOT_FOUND'],
      [p2!.reviewId, 'UNCHANGED'],
    ]);
    const decisionIds = (json: typeof first.json) =>
      json.data.decideReviews.outcomes.map((o: { decisionId: string | null }) => o.decisionId);
    expect(decisionIds(retry.json)).toEqual(decisionIds(first.json));
    expect(await mergedInto(tenant, p1!.entityId)).toBe(p1!.candidateId);
    expect(await mergedInto(tenant, p2!.entityId)).toBe(p2!.candidateId);
    const entries = await stack.audit(tenant, 'er.review.');
    expect(entries).toHaveLength(2);
    const [call] = (await stack.audit(tenant, 'stepup.sensitive-call')).filter((e) => e.data.outcome === 'ok');
    expect(entries[0]).toMatchObject({
      kind: 'er.review.decision',
      actor: 'ann',
      subject: p1!.reviewId,
      data: {
        decision: 'ACCEPT',
        band: 'MID',
        probability: p1!.probability,
        reviewer: 'ann',
        sessionId: 'sess-ann',
        stepUpChallengeId: call!.data.challengeId,
        mergeId: first.json.data.decideReviews.outcomes[0].mergeId,
        modelVersion: defaultModel.version,
      },
    });
    const queue = await ann.call('ReviewQueue', { filter: { statuses: ['ACCEPTED'] } });
    expect(queue.json.data.reviewQueue.totalCount).toBe(2);
  });

  it('lets one reviewer claim a candidate: another gets CONFLICT on claim and decide until it is released', async () => {
    const tenant = testTenant('rq-claim');
    const [p1, p2] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter']);
    const ann = await reviewer(tenant, 'ann');
    const bob = await reviewer(tenant, 'bob');
    const bobGrant = await bob.stepUp(['mutate:merge']);

    const claimed = await ann.call('ClaimReviews', { ids: [p1!.reviewId] });
    const again = await ann.call('ClaimReviews', { ids: [p1!.reviewId] });
    const clash = await bob.call('ClaimReviews', { ids: [p1!.reviewId, p2!.reviewId] });
    const decide = await bob.call('DecideReviews', { ids: [p1!.reviewId], decision: 'REJECT', reason: 'x' }, bobGrant);
    const mine = await ann.call('ReviewQueue', { filter: { assignee: 'ann' } });
    const free = await ann.call('ReviewQueue', { filter: { unassigned: true } });
    const released = await ann.call('ClaimReviews', { ids: [p1!.reviewId], release: true });
    const taken = await bob.call('ClaimReviews', { ids: [p1!.reviewId] });

    expect(outcomesOf(claimed.json, 'claimReviews')).toEqual([[p1!.reviewId, 'DONE']]);
    expect(claimed.json.data.claimReviews.outcomes[0].review).toMatchObject({ assignee: 'ann' });
    expect(outcomesOf(again.json, 'claimReviews')).toEqual([[p1!.reviewId, 'UNCHANGED']]);
    expect(outcomesOf(clash.json, 'claimReviews')).toEqual([
      [p1!.reviewId, 'CONFLICT'],
      [p2!.reviewId, 'DONE'],
    ]);
    expect(outcomesOf(decide.json, 'decideReviews')).toEqual([[p1!.reviewId, 'CONFLICT']]);
    expect(mine.json.data.reviewQueue.items.map((r: { id: string }) => r.id)).toEqual([p1!.reviewId]);
    expect(free.json.data.reviewQueue.totalCount).toBe(0);
    expect(outcomesOf(released.json, 'claimReviews')).toEqual([[p1!.reviewId, 'DONE']]);
    expect(outcomesOf(taken.json, 'claimReviews')).toEqual([[p1!.reviewId, 'DONE']]);
    expect(await notSameCount(tenant)).toBe(0);
  });

  it('undoes an accept (unmerge) and a reject (constraint lifted), reopening both; a second undo changes nothing', async () => {
    const tenant = testTenant('rq-undo');
    const [p1, p2] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter']);
    const ann = await reviewer(tenant, 'ann');
    const grant = await ann.stepUp(['mutate:merge', 'mutate:unmerge']);
    await ann.call('DecideReviews', { ids: [p1!.reviewId], decision: 'ACCEPT', reason: 'same' }, grant);
    await ann.call('DecideReviews', { ids: [p2!.reviewId], decision: 'REJECT', reason: 'different people' }, grant);
    const mergedBefore = await mergedInto(tenant, p1!.entityId);
    const constraintsBefore = await notSameCount(tenant);

    const undoAccept = await ann.call('UndoDecision', { id: p1!.reviewId }, grant);
    const undoReject = await ann.call('UndoDecision', { id: p2!.reviewId }, grant);
    const undoAgain = await ann.call('UndoDecision', { id: p2!.reviewId }, grant);
    const history = await ann.call('ReviewCandidate', { id: p1!.reviewId });

    expect(mergedBefore).toBe(p1!.candidateId);
    expect(constraintsBefore).toBe(1);
    expect(undoAccept.json.data.undoDecision).toMatchObject({ outcome: 'DONE', review: { status: 'OPEN' } });
    expect(undoReject.json.data.undoDecision).toMatchObject({ outcome: 'DONE', review: { status: 'OPEN' } });
    expect(undoAgain.json.data.undoDecision).toMatchObject({ outcome: 'UNCHANGED' });
    expect(await mergedInto(tenant, p1!.entityId)).toBeNull();
    expect(await notSameCount(tenant)).toBe(0);
    expect(history.json.data.reviewCandidate.decisions).toEqual([
      expect.objectContaining({ decision: 'ACCEPT', reviewer: 'ann', undoneBy: 'ann', undoneAt: expect.any(String) }),
    ]);
    const kinds = (await stack.audit(tenant, 'er.review.')).map((e) => [e.kind, e.subject]);
    expect(kinds).toEqual([
      ['er.review.decision', p1!.reviewId],
      ['er.review.decision', p2!.reviewId],
      ['er.review.undo', p1!.reviewId],
      ['er.review.undo', p2!.reviewId],
    ]);
  });

  it('never proposes a rejected pair again: not by a re-cluster, not when the record arrives again', async () => {
    const tenant = testTenant('rq-never');
    const [p1] = await seedPairs(driver, tenant, ['Mary Smith']);
    const ann = await reviewer(tenant, 'ann');
    const grant = await ann.stepUp(['mutate:merge']);
    await ann.call('DecideReviews', { ids: [p1!.reviewId], decision: 'REJECT', reason: 'different people' }, grant);

    const snapshot = await readTenantSnapshot(driver, tenant);
    const plan = planRecluster(snapshot, defaultModel);
    const planWithoutConstraint = planRecluster({ ...snapshot, notSame: [] }, defaultModel);
    // The record again, now also carrying the candidate's passport: at HIGH with both sides, it would join them.
    const again = { ...p1!.record, identifiers: p1!.candidateRecord.identifiers };
    const resent = await applyEvent(driver, envelopeFor(tenant, 'again', again), defaultErConfig, defaultModel);

    const pairOf = (r: { entityId: string; candidateId: string }) => [r.entityId, r.candidateId].sort();
    const pair = pairOf(p1!);
    expect(snapshot.notSame).toEqual([{ a: pair[0], b: pair[1] }]);
    expect(planWithoutConstraint.reviews.map(pairOf)).toContainEqual(pair);
    expect(plan.reviews.map(pairOf)).not.toContainEqual(pair);
    expect(plan.merges.map((m) => [m.survivorId, m.mergedId].sort())).not.toContainEqual(pair);
    expect(resent.outcome).toMatchObject({ band: 'HIGH', candidateId: p1!.entityId, repairMergeIds: [] });
    expect(await mergedInto(tenant, p1!.candidateId)).toBeNull();
    const open = await ann.call('ReviewQueue', {});
    expect(open.json.data.reviewQueue.totalCount).toBe(0);
  });

  it('shows another tenant nothing and lets it decide nothing', async () => {
    const tenant = testTenant('rq-home');
    const [p1] = await seedPairs(driver, tenant, ['Mary Smith']);
    const eve = await reviewer(testTenant('rq-other'), 'eve');
    const grant = await eve.stepUp(['mutate:merge', 'mutate:unmerge']);

    const queue = await eve.call('ReviewQueue', {});
    const detail = await eve.call('ReviewCandidate', { id: p1!.reviewId });
    const claim = await eve.call('ClaimReviews', { ids: [p1!.reviewId] });
    const decide = await eve.call('DecideReviews', { ids: [p1!.reviewId], decision: 'ACCEPT', reason: 'x' }, grant);
    const undo = await eve.call('UndoDecision', { id: p1!.reviewId }, grant);

    expect(queue.json.data.reviewQueue).toMatchObject({ totalCount: 0, items: [] });
    expect(detail.json.data.reviewCandidate).toBeNull();
    expect(outcomesOf(claim.json, 'claimReviews')).toEqual([[p1!.reviewId, 'NOT_FOUND']]);
    expect(outcomesOf(decide.json, 'decideReviews')).toEqual([[p1!.reviewId, 'NOT_FOUND']]);
    expect(undo.json.data.undoDecision).toMatchObject({ outcome: 'NOT_FOUND' });
    expect(await mergedInto(tenant, p1!.entityId)).toBeNull();
  });

  it('lets a viewer read the queue but neither claim nor decide, even after step-up; the denies are logged', async () => {
    const tenant = testTenant('rq-viewer');
    const [p1] = await seedPairs(driver, tenant, ['Mary Smith']);
    const vic = await reviewer(tenant, 'vic', { roles: ['viewer'] });
    const grant = await vic.stepUp(['mutate:merge']);

    const queue = await vic.call('ReviewQueue', {});
    const claim = await vic.call('ClaimReviews', { ids: [p1!.reviewId] });
    const decide = await vic.call('DecideReviews', { ids: [p1!.reviewId], decision: 'ACCEPT', reason: 'x' }, grant);

    expect(queue.json.data.reviewQueue.totalCount).toBe(1);
    expect(outcomesOf(claim.json, 'claimReviews')).toEqual([[p1!.reviewId, 'POLICY_DENIED']]);
    expect(outcomesOf(decide.json, 'decideReviews')).toEqual([[p1!.reviewId, 'POLICY_DENIED']]);
    expect(decide.json.data.decideReviews.outcomes[0].message).toMatch(/^write\.role_cannot_write/);
    expect(await mergedInto(tenant, p1!.entityId)).toBeNull();
    expect(await stack.audit(tenant, 'er.review.')).toEqual([]);
    const denies = await stack.audit(tenant, 'policy.decision');
    expect(denies.map((e) => [e.actor, e.data.allow, e.data.operation])).toContainEqual([
      'vic',
      false,
      'DecideReviews',
    ]);
  });

  it('asks a step-up only of calls that merge or unmerge: REJECT and DEFER go without a grant, ACCEPT and its undo not', async () => {
    const tenant = testTenant('rq-stepup');
    const [p1, p2, p3] = await seedPairs(driver, tenant, ['Mary Smith', 'John Carter', 'Ada Byrne']);
    const ann = await reviewer(tenant, 'ann');
    const decide = (ids: string[], decision: string, grant?: string) =>
      ann.call('DecideReviews', { ids, decision, reason: 'checked the registry' }, grant);

    const rejected = await decide([p1!.reviewId], 'REJECT');
    const deferred = await decide([p2!.reviewId], 'DEFER');
    const undoReject = await ann.call('UndoDecision', { id: p1!.reviewId });
    const accept = await decide([p3!.reviewId], 'ACCEPT');
    const grant = await ann.stepUp(['mutate:merge']);
    const accepted = await decide([p3!.reviewId], 'ACCEPT', grant);
    const undoAccept = await ann.call('UndoDecision', { id: p3!.reviewId });

    expect(outcomesOf(rejected.json, 'decideReviews')).toEqual([[p1!.reviewId, 'DONE']]);
    expect(outcomesOf(deferred.json, 'decideReviews')).toEqual([[p2!.reviewId, 'DONE']]);
    for (const refused of [accept, undoAccept, undoReject]) {
      expect(refused.status).toBe(401);
      expect(refused.json.errors![0].extensions).toMatchObject({ code: 'STEP_UP_REQUIRED' });
    }
    expect(accept.json.errors![0].extensions.stepUp.scopes).toEqual(['mutate:merge']);
    expect(undoAccept.json.errors![0].extensions.stepUp.scopes).toEqual(['mutate:unmerge']);
    expect(outcomesOf(accepted.json, 'decideReviews')).toEqual([[p3!.reviewId, 'DONE']]);
    expect(await mergedInto(tenant, p3!.entityId)).toBe(p3!.candidateId);
    expect(await notSameCount(tenant)).toBe(1);
  });

  it('parks a candidate with DEFER (out of the default queue, decidable later) and refuses bad input with stable codes', async () => {
    const tenant = testTenant('rq-defer');
    const [p1] = await seedPairs(driver, tenant, ['Mary Smith']);
    const ann = await reviewer(tenant, 'ann');
    const grant = await ann.stepUp(['mutate:merge']);
    const decide = (decision: string, ids = [p1!.reviewId], reason = 'need the passport scan') =>
      ann.call('DecideReviews', { ids, decision, reason }, grant);

    const deferred = await decide('DEFER');
    const deferredAgain = await decide('DEFER');
    const open = await ann.call('ReviewQueue', {});
    const parked = await ann.call('ReviewQueue', { filter: { statuses: ['DEFERRED'] } });
    const rejected = await decide('REJECT');
    const badCursor = await ann.call('ReviewQueue', { after: 'not-a-cursor' });
    const bigPage = await ann.call('ReviewQueue', { first: 500 });
    const noReason = await decide('REJECT', [p1!.reviewId], '  ');
    const tooMany = await decide(
      'REJECT',
      Array.from({ length: 101 }, (_, i) => `rv-${i}`),
    );
    const badDecision = await decide('MAYBE');

    expect(outcomesOf(deferred.json, 'decideReviews')).toEqual([[p1!.reviewId, 'DONE']]);
    expect(outcomesOf(deferredAgain.json, 'decideReviews')).toEqual([[p1!.reviewId, 'UNCHANGED']]);
    expect(open.json.data.reviewQueue.totalCount).toBe(0);
    expect(parked.json.data.reviewQueue.items.map((r: { id: string }) => r.id)).toEqual([p1!.reviewId]);
    expect(rejected.json.data.decideReviews.outcomes[0]).toMatchObject({
      outcome: 'DONE',
      review: { status: 'REJECTED' },
    });
    for (const [res, code] of [
      [badCursor, 'INVALID_INPUT'],
      [bigPage, 'INVALID_INPUT'],
      [noReason, 'INVALID_INPUT'],
      [tooMany, 'INVALID_INPUT'],
      [badDecision, 'BAD_USER_INPUT'],
    ] as const) {
      expect(res.status).toBeLessThan(500);
      expect(res.json.errors![0].extensions.code).toBe(code);
    }
  });
});
