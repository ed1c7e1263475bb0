/**
 * The review page stays fluid with 5,000 open candidates: a tenant's queue seeded as bench:review seeds it (ten pairs
 * through the real ER effect, the rest written in the same shape with probabilities spread over the MID band), every
 * row loaded into the page by scrolling, then many rows walked with j/k and the list scrolled with the wheel, measured
 * by the browser's own instruments: long tasks (PerformanceObserver `longtask`), key events slower than a frame (Event
 * Timing), frame intervals (requestAnimationFrame) and the rows in the DOM at every frame (virtualisation keeps them
 * to a screenful), against the same keys over the first 100 rows in the same run. The figures are printed
 * (`queue-5k:` line); this test writes no evidence (`npm run evidence:review-5k` runs it and does).
 */
import type { Driver } from 'neo4j-driver';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { testTenant, twin } from '../../infra/local/test-support/twin.js';
import { seedCandidates } from '../../load/review/seed.js';
import { migrateEr } from '../core/er/migrations.js';
import { Neo4jReviewStore } from '../core/er/review/store.js';
import { createDriver, migrate } from '../core/graph/index.js';
import { closeContext, reviewBrowser, screenshot } from './test-support/browser.js';

const candidates = 5_000;
/**
 * How much slower a key may be with 5,000 rows loaded than with the first 100 (medians of the same run). A time bound
 * of its own would fail on this 2-core machine whenever other twins run (a load of 16 stretched the longest task to
 * 852 ms); a list that renders every row costs far more than this with 5,000 rows, however busy the machine.
 */
const slowerThanBaseline = 3;
/** j then k this many times each: the baseline walk, repeated first with every row loaded. */
const baselineKeys = 40;
/** Rows the DOM may hold at once: a screenful and the overscan, far below the 5,000 loaded. */
const maxDomRows = 80;

const tenant = testTenant('review-5k');
let env: Awaited<ReturnType<typeof reviewBrowser>>;
let driver: Driver;

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrate(driver);
  await migrateEr(driver);
  const [browser, seeded] = await Promise.all([reviewBrowser(), seedCandidates(driver, [tenant], candidates)]);
  env = browser;
  expect(seeded[tenant]).toHaveLength(candidates);
  // The first read of a queue seeded a moment ago is cold (plans, page cache): read it once before the page does.
  const store = new Neo4jReviewStore(driver);
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const first = await store.queue(tenant, { first: 100, orderBy: 'OLDEST', dataClasses: ['ENTITY'] });
    console.log(`queue-5k warm-up: read ${i + 1}: ${Date.now() - t0} ms, ${first.items.length} rows`);
  }
}, 600_000);

/** Contexts to close after each test (after onTestFailed has said whether to keep the trace). */
const contexts: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of contexts.splice(0)) await close();
});

afterAll(async () => {
  await env?.close();
  await driver?.close();
});

interface Measured {
  longTasks: number[];
  slowKeys: number[];
  frames: number[];
  maxDomRows: number;
}

/** Starts the browser's instruments on the page (collected by {@link stopMeasuring}). */
function startMeasuring(page: Page) {
  return page.evaluate(() => {
    const m = { longTasks: [] as number[], slowKeys: [] as number[], frames: [] as number[], maxDomRows: 0 };
    const w = window as unknown as { measured: Measured; measuring: boolean; observers: PerformanceObserver[] };
    w.measured = m;
    w.measuring = true;
    const longTasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) m.longTasks.push(e.duration);
    });
    longTasks.observe({ type: 'longtask' });
    const events = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'keydown') m.slowKeys.push(e.duration);
    });
    events.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
    w.observers = [longTasks, events];
    let last = performance.now();
    const frame = (t: number) => {
      m.frames.push(t - last);
      last = t;
      const rows = document.querySelectorAll('[data-testid="queue"] [role="option"]').length;
      m.maxDomRows = Math.max(m.maxDomRows, rows);
      if (w.measuring) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

function stopMeasuring(page: Page): Promise<Measured> {
  return page.evaluate(async () => {
    // One more frame, so that the last input's work is in.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const w = window as unknown as { measured: Measured; measuring: boolean; observers: PerformanceObserver[] };
    w.measuring = false;
    for (const o of w.observers) {
      o.takeRecords();
      o.disconnect();
    }
    return w.measured;
  });
}

const loaded = (page: Page) =>
  page.evaluate(() =>
    Number(/· (\d+) loaded/.exec(document.querySelector('[data-testid="counts"]')?.textContent ?? '')?.[1] ?? 0),
  );
const position = (page: Page) =>
  page
    .locator('[role="option"].active')
    .getAttribute('aria-posinset')
    .then((p) => Number(p));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * The median duration of `keys` keydowns (Event Timing: input delay, handlers, next paint), of which the browser
 * reported those of 16 ms or more (`slow`); each unreported one counts as 16 ms, its upper bound.
 */
function keydownMedian(slow: number[], keys: number): number {
  const all = [...slow, ...Array.from({ length: Math.max(0, keys - slow.length) }, () => 16)];
  return round(quantile(all, 0.5));
}

async function walk(page: Page, n: number) {
  for (let i = 0; i < n; i++) await page.keyboard.press('j');
  for (let i = 0; i < n; i++) await page.keyboard.press('k');
}

describe('the review page with 5,000 open candidates', () => {
  it('walks and scrolls 5,000 loaded rows holding a screenful in the DOM, a key no slower than with 100 rows', async () => {
    const { page, context } = await env.reviewer(tenant, 'perf', { roles: ['investigator'], clearances: ['pii'] });
    let failed = false;
    onTestFailed(() => {
      failed = true;
    });
    contexts.push(() => closeContext(context, 'adjudication-5k', failed));
    // The first page (or the reason it could not be read).
    await page.waitForFunction(() => document.querySelector('[role="option"], [role="alert"]'), null, {
      timeout: 60_000,
    });
    expect(await page.locator('[role="alert"]').allTextContents()).toEqual([]);
    await page.getByTestId('queue').focus();
    // The baseline, in the same run on the same machine: the same keys over the first page only (100 rows loaded).
    await startMeasuring(page);
    await walk(page, baselineKeys);
    const baseline = await stopMeasuring(page);
    // Load every row: End at the bottom of the list reads the next page, 100 at a time.
    const loadStart = Date.now();
    for (let n = await loaded(page); n < candidates; ) {
      await page.keyboard.press('End');
      await expect.poll(() => loaded(page), { timeout: 30_000 }).toBeGreaterThan(n);
      n = await loaded(page);
    }
    const loadS = (Date.now() - loadStart) / 1000;
    await page.keyboard.press('Home');

    await startMeasuring(page);
    const walkStart = Date.now();
    await walk(page, baselineKeys);
    for (let i = 0; i < 300; i++) await page.keyboard.press('j');
    const afterJ = await position(page);
    for (let i = 0; i < 100; i++) await page.keyboard.press('k');
    const afterK = await position(page);
    const box = (await page.getByTestId('queue').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 60; i++) await page.mouse.wheel(0, 1_500);
    await page.keyboard.press('End');
    const atEnd = await position(page);
    for (let i = 0; i < 60; i++) await page.mouse.wheel(0, -2_500);
    const walkS = (Date.now() - walkStart) / 1000;
    const m = await stopMeasuring(page);
    await screenshot(page, '5k');

    const figures = {
      candidates,
      loadedRows: await loaded(page),
      loadAllS: round(loadS),
      walkS: round(walkS),
      keys: 2 * baselineKeys + 401,
      wheelSteps: 120,
      keydownMedianMs: keydownMedian(m.slowKeys, 2 * baselineKeys + 401),
      baselineKeys: 2 * baselineKeys,
      baselineKeydownMedianMs: keydownMedian(baseline.slowKeys, 2 * baselineKeys),
      baselineLongestTaskMs: round(Math.max(0, ...baseline.longTasks)),
      longTasks: m.longTasks.length,
      longestTaskMs: round(Math.max(0, ...m.longTasks)),
      keydownsOver16Ms: m.slowKeys.length,
      slowestKeydownMs: round(Math.max(0, ...m.slowKeys)),
      frames: m.frames.length,
      frameP50Ms: round(quantile(m.frames, 0.5)),
      frameP95Ms: round(quantile(m.frames, 0.95)),
      frameMaxMs: round(Math.max(0, ...m.frames)),
      maxDomRows: m.maxDomRows,
    };
    // `npm run evidence:review-5k` reads this line (the samples too) and writes the evidence file.
    console.log(`queue-5k: ${JSON.stringify({ figures, samples: m, baseline })}`);

    expect(figures.loadedRows).toBe(candidates);
    expect([afterJ, afterK, atEnd]).toEqual([301, 201, candidates]);
    expect(m.frames.length).toBeGreaterThan(0);
    expect(m.maxDomRows).toBeGreaterThan(0);
    expect(m.maxDomRows).toBeLessThanOrEqual(maxDomRows);
    expect(figures.keydownMedianMs).toBeLessThanOrEqual(slowerThanBaseline * figures.baselineKeydownMedianMs);
  }, 600_000);
});
