/**
 * The adjudication page end to end in Chromium, on golden fixtures pushed through the real intake (intake API → SQS →
 * ER worker → Neo4j) and the real edge, origin, OPA, step-up (virtual passkey authenticator) and audit ledger.
 * Every flow asserts what the page shows and what the graph holds afterwards, runs axe-core on each screen (no
 * serious or critical violation) and keeps a screenshot (.run/screenshots/; evidence/er/ under evidence:review).
 */
import type { Driver } from 'neo4j-driver';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { apqBody } from '../../edge/test-support/fixtures.js';
import { edgePerson } from '../../infra/local/test-support/edge-person.js';
import { type GoldenCandidate, goldenPairs, ingestGoldenPairs } from '../../infra/local/test-support/golden-reviews.js';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { migrateEr } from '../core/er/migrations.js';
import { createDriver } from '../core/graph/driver.js';
import { closeContext, reviewBrowser, screenshot, seriousViolations } from './test-support/browser.js';

const investigator = { roles: ['investigator'], clearances: ['pii'] };
const tenant = testTenant('review-ui');
let env: Awaited<ReturnType<typeof reviewBrowser>>;
let driver: Driver;
let golden: GoldenCandidate[];
const byId = new Map<string, GoldenCandidate>();
const open: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrateEr(driver);
  [env, golden] = await Promise.all([reviewBrowser(), ingestGoldenPairs(driver, tenant, goldenPairs(45))]);
  for (const g of golden) byId.set(g.reviewId, g);
}, 300_000);

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

afterAll(async () => {
  await env?.close();
  await driver?.close();
});

/** A reviewer's page; its trace is kept under .run/traces/ when the test fails. */
async function reviewerPage(
  name: string,
  subject: string,
  of = tenant,
  claims: Record<string, unknown> = investigator,
  search?: string,
) {
  const r = await env.reviewer(of, subject, claims, search);
  let failed = false;
  onTestFailed(() => {
    failed = true;
  });
  open.push({ close: () => closeContext(r.context, `adjudication-${name}`, failed) });
  return r;
}

const text = async (l: Locator) => (await l.textContent()) ?? '';
const counts = (page: Page) => text(page.getByTestId('counts'));
const waitForCount = (page: Page, n: number) =>
  page.waitForFunction(
    (want) => document.querySelector('[data-testid="counts"]')?.textContent?.startsWith(`${want} candidates`),
    n,
  );
const waitForRuns = (page: Page, n: number) => page.waitForSelector(`main[data-runs="${n}"]`);
/** The queue's rows (the filters' <select> options are options too). */
const rows = (page: Page) => page.getByTestId('queue').getByRole('option');
const activeId = (page: Page) => page.locator('[role="option"].active').getAttribute('data-id');
const rowIds = (page: Page) =>
  page.locator('[role="option"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!));

async function expectAccessible(page: Page, screen: string) {
  expect(await seriousViolations(page), `axe on ${screen}`).toEqual([]);
}

/** Completes the inline step-up when the page asks for it (the focus is on its button; Enter verifies). */
async function stepUpWithKeyboard(page: Page, shot?: string) {
  await page.getByTestId('stepup').waitFor();
  if (shot) {
    await expectAccessible(page, 'step-up panel');
    await screenshot(page, shot);
  }
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Verify with passkey');
  await page.keyboard.press('Enter');
  await page.getByTestId('stepup').waitFor({ state: 'detached' });
}

async function graphState(g: GoldenCandidate) {
  const { records } = await driver.executeQuery(
    `MATCH (r:ReviewCandidate {tenant: $tenant, id: $id}) MATCH (e:Entity {tenant: $tenant, id: r.entityId})
     OPTIONAL MATCH (n:ErNotSame {tenant: $tenant}) WHERE n.a IN [r.entityId, r.candidateId] AND n.b IN [r.entityId, r.candidateId]
     RETURN r.status AS status, e.mergedInto AS mergedInto, count(n) AS notSame`,
    { tenant, id: g.reviewId },
  );
  const r = records[0]!;
  return {
    status: r.get('status') as string,
    mergedInto: (r.get('mergedInto') as string | null) ?? null,
    notSame: Number(r.get('notSame')),
  };
}

/** Ids of the golden candidates `reviewer` decided to `status`, as the graph holds them. */
async function decidedBy(reviewer: string, status: string): Promise<string[]> {
  const { records } = await driver.executeQuery(
    'MATCH (r:ReviewCandidate {tenant: $tenant, decidedBy: $reviewer, status: $status}) RETURN r.id AS id',
    { tenant, reviewer, status },
  );
  return records.map((r) => r.get('id') as string);
}

async function stepUpVerifications(subject: string) {
  const entries = await env.stack.audit(tenant, 'stepup.authenticate.verify');
  return entries.filter((e) => e.actor === subject || e.data.subject === subject).length;
}

describe('adjudication page in Chromium (golden fixtures through the real intake)', () => {
  it('filters and searches the queue, with counts, and shows every shortcut on ?', async () => {
    const { page } = await reviewerPage('filter', 'ann');

    await waitForCount(page, 45);
    await rows(page).first().waitFor();
    await expectAccessible(page, 'queue');
    await screenshot(page, 'queue');
    await page.keyboard.press('/');
    await page.keyboard.type('carter');
    await waitForCount(page, 1);
    const found = await rows(page).allInnerTexts();
    await expectAccessible(page, 'search');
    await screenshot(page, 'search');
    await page.getByRole('searchbox').fill('');
    await page.getByLabel('Source system').fill('registry');
    await waitForCount(page, golden.filter((g) => g.system === 'registry').length);
    await page.getByLabel('Source system').fill('');
    await page.getByLabel('from').fill('99.9');
    await waitForCount(page, 0);
    const empty = await text(page.getByTestId('empty'));
    await page.getByLabel('from').fill('');
    await page.getByLabel('Kind').selectOption('ORGANISATION');
    await waitForCount(page, 0);
    await page.getByLabel('Kind').selectOption('PERSON');
    await waitForCount(page, 45);
    await page.getByLabel('Age').selectOption('older than 1 day');
    await waitForCount(page, 0);
    await page.getByLabel('Age').selectOption('newer than 1 hour');
    await waitForCount(page, 45);
    await page.getByLabel('Status').selectOption('DEFERRED');
    await waitForCount(page, 0);
    await page.getByLabel('Status').selectOption('OPEN');
    await waitForCount(page, 45);
    await page.getByTestId('queue').focus();
    await page.keyboard.press('?');
    const help = await text(page.getByTestId('help'));
    await expectAccessible(page, 'help');
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');

    expect(found).toHaveLength(1);
    expect(found[0]).toContain('John Carter ↔ John Carter');
    expect(empty).toBe('No candidates match these filters.');
    for (const key of ['j', 'k', 'a', 'r', 'd', 'x', 'Shift+x', 'u', '/', '?']) expect(help).toContain(key);
    await expect.poll(() => page.getByTestId('help').count()).toBe(0);
  }, 120_000);

  it('reviews ten candidates with the keyboard only (one step-up, at the first accept), and the graph follows', async () => {
    const { page } = await reviewerPage('keyboard', 'ann');
    await waitForCount(page, 45);
    await rows(page).first().waitFor();

    const decided: { id: string; key: 'a' | 'r' | 'd' }[] = [];
    for (let i = 0; i < 10; i++) {
      const id = (await activeId(page))!;
      const key = i % 5 === 4 ? 'd' : byId.get(id)!.label === 'same' ? 'a' : 'r';
      await page.keyboard.press(key);
      // Only an accept merges: rejects and defers before it need no step-up.
      if (key === 'a' && !decided.some((d) => d.key === 'a')) await stepUpWithKeyboard(page);
      await waitForRuns(page, i + 1);
      decided.push({ id, key });
    }
    await waitForCount(page, 35);
    await page.keyboard.press('Enter');
    await page.getByTestId('detail').locator('table').waitFor();
    await expectAccessible(page, 'queue after review, detail pane');
    await screenshot(page, 'keyboard');

    expect(new Set(decided.map((d) => d.id)).size).toBe(10);
    expect(await text(page.getByTestId('message'))).toMatch(/^(Accepted|Rejected|Deferred) 1 candidate\.$/);
    for (const d of decided) {
      const g = byId.get(d.id)!;
      const s = await graphState(g);
      if (d.key === 'a') expect(s).toEqual({ status: 'ACCEPTED', mergedInto: g.candidateId, notSame: 0 });
      if (d.key === 'r') expect(s).toEqual({ status: 'REJECTED', mergedInto: null, notSame: 1 });
      if (d.key === 'd') expect(s).toEqual({ status: 'DEFERRED', mergedInto: null, notSame: 0 });
    }
    expect(await stepUpVerifications('ann')).toBe(1);
  }, 120_000);

  it('bulk-accepts 25 with one confirmation and one step-up, then bulk-rejects, undoes and unmerges from history', async () => {
    const { page } = await reviewerPage('bulk', 'bob');
    await waitForCount(page, 35);
    await rows(page).first().waitFor();

    // Select 25 with x on the first and shift+x on the 25th.
    await page.keyboard.press('x');
    for (let i = 0; i < 24; i++) await page.keyboard.press('j');
    await page.keyboard.press('Shift+X');
    const selection = await text(page.getByTestId('bulk'));
    await page.keyboard.press('a');
    await page.getByTestId('confirm').waitFor();
    const confirmText = await text(page.getByTestId('confirm'));
    await expectAccessible(page, 'bulk confirmation');
    await screenshot(page, 'bulk-confirm');
    await page.keyboard.press('Enter');
    await stepUpWithKeyboard(page, 'stepup');
    await waitForRuns(page, 1);
    const accepted = await text(page.getByTestId('message'));
    await waitForCount(page, 10);
    await screenshot(page, 'bulk-accept');

    const selected = await decidedBy('bob', 'ACCEPTED');
    expect(selection).toContain('25 selected');
    expect(confirmText).toContain('Accept 25 candidates?');
    expect(accepted).toBe('Accepted 25 candidates.');
    expect(selected).toHaveLength(25);
    for (const id of selected) {
      const g = byId.get(id)!;
      expect(await graphState(g)).toMatchObject({ status: 'ACCEPTED', mergedInto: g.candidateId });
    }
    expect(await stepUpVerifications('bob')).toBe(1);

    // Bulk reject three: x, j, x, j, x, then r and a confirmation with the reason edited.
    await page.getByTestId('queue').focus();
    await page.keyboard.press('Home');
    const ids = await rowIds(page);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('r');
    await page.getByTestId('confirm').waitFor();
    await page.getByLabel('Reason').fill('golden set: different people');
    await page.getByRole('button', { name: 'Reject 3' }).click();
    await waitForRuns(page, 2);
    const rejected = await text(page.getByTestId('message'));
    await waitForCount(page, 7);
    await screenshot(page, 'bulk-reject');
    const rejectedIds = ids.slice(0, 3);
    expect(rejected).toBe('Rejected 3 candidates.');
    for (const id of rejectedIds)
      expect(await graphState(byId.get(id)!)).toMatchObject({ status: 'REJECTED', notSame: 1 });

    // u undoes the last batch (three rejects) after a confirmation; undo is its own step-up scope (mutate:unmerge).
    await page.keyboard.press('u');
    await page.getByTestId('confirm').waitFor();
    const undoConfirm = await text(page.getByTestId('confirm'));
    await page.keyboard.press('Enter');
    await stepUpWithKeyboard(page);
    await waitForRuns(page, 3);
    const undone = await text(page.getByTestId('message'));
    await waitForCount(page, 10);
    await screenshot(page, 'undo');
    expect(undoConfirm).toContain('Undo 3 decisions?');
    expect(undone).toBe('Undid 3 candidates.');
    for (const id of rejectedIds) expect(await graphState(byId.get(id)!)).toMatchObject({ status: 'OPEN', notSame: 0 });

    // Unmerge from history: the accepted queue, a candidate's history, its Unmerge button.
    await page.getByLabel('Status').selectOption('ACCEPTED');
    await rows(page).first().waitFor();
    const target = byId.get((await activeId(page))!)!;
    const unmerge = page.getByTestId('history').getByRole('button', { name: 'Unmerge' });
    await unmerge.waitFor();
    await expectAccessible(page, 'accepted queue with history');
    await screenshot(page, 'history');
    await unmerge.click();
    await waitForRuns(page, 4);
    // Reopened, the candidate leaves the accepted queue at the next refresh.
    await page.locator(`[role="option"][data-id="${target.reviewId}"]`).waitFor({ state: 'detached' });
    await screenshot(page, 'unmerge');
    expect(await text(page.getByTestId('message'))).toBe('Undid 1 candidate.');
    expect(await graphState(target)).toEqual({ status: 'OPEN', mergedInto: null, notSame: 0 });
    expect(await stepUpVerifications('bob')).toBe(2);
  }, 240_000);

  it('rolls back a decision the write policy refuses, saying why on the page', async () => {
    const { page } = await reviewerPage('rollback', 'vic', tenant, { roles: ['viewer'] });
    await rows(page).first().waitFor();
    const id = (await activeId(page))!;

    // A reject needs no step-up: the write policy itself refuses the viewer.
    await page.keyboard.press('r');
    await waitForRuns(page, 1);
    const message = await text(page.getByTestId('message'));
    const row = page.locator(`[role="option"][data-id="${id}"]`);
    await screenshot(page, 'rollback');

    expect(message).toMatch(new RegExp(`^Rejected 0 of 1\\. Not done, rolled back: ${id}: POLICY_DENIED \\(write\\.`));
    expect(await page.getByTestId('message').getAttribute('class')).toContain('bad');
    expect(await row.getAttribute('data-status')).toBe('OPEN');
    expect(await graphState(byId.get(id)!)).toEqual({ status: 'OPEN', mergedInto: null, notSame: 0 });
  }, 120_000);

  it("claims the current candidate with c (listed on ?), reports a second reviewer's claim as a conflict, and gives it back", async () => {
    const cy = await reviewerPage('claim', 'cy');
    const dee = await reviewerPage('claim-other', 'dee');
    await rows(cy.page).first().waitFor();
    await rows(dee.page).first().waitFor();
    const id = (await activeId(cy.page))!;
    const row = (page: Page) => page.locator(`[role="option"][data-id="${id}"]`);
    const assignee = async () => {
      const { records } = await driver.executeQuery(
        'MATCH (r:ReviewCandidate {tenant: $tenant, id: $id}) RETURN r.assignee AS a',
        { tenant, id },
      );
      return (records[0]?.get('a') as string | null) ?? null;
    };

    await cy.page.getByTestId('queue').focus();
    await cy.page.keyboard.press('c');
    await waitForRuns(cy.page, 1);
    const claimed = await text(cy.page.getByTestId('message'));
    await expect.poll(() => text(row(cy.page))).toContain('cy');
    const held = await assignee();
    await expectAccessible(cy.page, 'claimed row');
    await screenshot(cy.page, 'claim');
    await dee.page.getByTestId('queue').focus();
    expect(await activeId(dee.page)).toBe(id);
    await dee.page.keyboard.press('c');
    await waitForRuns(dee.page, 1);
    const conflict = await text(dee.page.getByTestId('message'));
    await cy.page.keyboard.press('c');
    await waitForRuns(cy.page, 2);
    const released = await text(cy.page.getByTestId('message'));
    await cy.page.keyboard.press('?');
    const help = await text(cy.page.getByTestId('help'));

    expect(claimed).toBe('Claimed 1 candidate.');
    expect(held).toBe('cy');
    expect(conflict).toMatch(new RegExp(`^Claimed 0 of 1\\. Not done, rolled back: ${id}: CONFLICT`));
    expect(released).toBe('Released 1 candidate.');
    expect(await assignee()).toBeNull();
    expect(help).toContain('Claim the current candidate');
  }, 120_000);

  it("shows another reviewer's claim and decision, made through the API, without a reload (the live stream)", async () => {
    // Polling every 10 minutes, were the stream off: only live events can bring the changes within the test.
    const { page } = await reviewerPage('live', 'liv', tenant, investigator, 'poll=600');
    await rows(page).first().waitFor();
    await page.waitForSelector('[data-testid="live"][data-live="live"]');
    const [claimId, rejectId] = (await rowIds(page)).slice(1, 3) as [string, string];
    const row = (id: string) => page.locator(`[role="option"][data-id="${id}"]`);
    const loadedBefore = await rowIds(page);
    await page.evaluate(() => {
      (window as { sameDocument?: boolean }).sameDocument = true;
    });
    const zed = await edgePerson(env.stack, env.origin, tenant, 'zed', investigator);

    const claim = await zed.call('ClaimReviews', { ids: [claimId] });
    await expect.poll(() => text(row(claimId)), { timeout: 15_000 }).toContain('zed');
    const reject = await zed.call('DecideReviews', {
      ids: [rejectId],
      decision: 'REJECT',
      reason: 'live: not the same',
    });
    await row(rejectId).waitFor({ state: 'detached', timeout: 15_000 });
    await expectAccessible(page, 'live queue');
    await screenshot(page, 'live');

    expect(claim.json.data.claimReviews.succeeded).toBe(1);
    expect(reject.json.data.decideReviews.succeeded).toBe(1);
    expect(await rowIds(page)).toEqual(loadedBefore.filter((id) => id !== rejectId));
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await text(page.getByTestId('live'))).toBe('Live updates on');
    expect(await graphState(byId.get(rejectId)!)).toMatchObject({ status: 'REJECTED', notSame: 1 });
  }, 120_000);

  it('says live updates are off, and why, and polls instead when the reviewer already holds every stream', async () => {
    const token = await env.stack.issuer.sign({ tenant, sid: 'sess-max', ...investigator }, { sub: 'max' });
    const held = new AbortController();
    const streams = await Promise.all(
      // The origin's cap of streams per person (reviewSubscriptionLimits.perSubject in functions/graphql).
      Array.from({ length: 5 }, () =>
        env.stack.edge.request('/graphql', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'text/event-stream',
          },
          body: apqBody('ReviewQueueChanged', {}),
          signal: held.signal,
        }),
      ),
    );
    try {
      const { page } = await reviewerPage('live-off', 'max');
      await page.waitForSelector('[data-testid="live"][data-live="polling"]');
      await rows(page).first().waitFor();
      const label = await text(page.getByTestId('live'));
      await expectAccessible(page, 'live updates off');
      await screenshot(page, 'live-off');
      // Polling still brings other reviewers' changes: zed claims a row nobody holds.
      const free = await page
        .locator('[role="option"]')
        .evaluateAll((rs) => rs.find((r) => r.textContent?.endsWith('—'))?.getAttribute('data-id'));
      const zed = await edgePerson(env.stack, env.origin, tenant, 'zed', investigator);
      await zed.call('ClaimReviews', { ids: [free] });
      await expect
        .poll(() => text(page.locator(`[role="option"][data-id="${free}"]`)), { timeout: 15_000 })
        .toContain('zed');

      expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
      expect(free).toBeTruthy();
      expect(label).toMatch(/^Live updates off \(TOO_MANY_SUBSCRIPTIONS: .+\): the queue is re-read every 1 s$/);
    } finally {
      held.abort();
    }
  }, 120_000);

  it('shows a reviewer of another tenant nothing', async () => {
    const { page } = await reviewerPage('other-tenant', 'eve', testTenant('review-ui-other'));
    await waitForCount(page, 0);
    await page.getByTestId('empty').waitFor();
    await expectAccessible(page, 'empty queue');
    await screenshot(page, 'other-tenant');
    await page.getByLabel('Status').selectOption('ANY');
    await waitForCount(page, 0);
    expect(await counts(page)).toMatch(/^0 candidates · 0 loaded/);
    expect(await rows(page).count()).toBe(0);
  });
});
