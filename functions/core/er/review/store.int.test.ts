import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../../infra/local/test-support/twin.js';
import { createDriver } from '../../graph/driver.js';
import { epochMs } from '../../graph/model.js';
import { nameTokens } from '../../graph/name-tokens.js';
import { migrateEr } from '../migrations.js';
import { seedReviewPairsCypher } from './cypher.js';
import { Neo4jReviewStore, reviewCountCap } from './store.js';
import { type ReviewOrder, reviewOrders } from './types.js';

let driver: Driver;
let store: Neo4jReviewStore;

beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrateEr(driver);
  store = new Neo4jReviewStore(driver);
});
afterAll(() => driver?.close());

const entity = (id: string, name: string, dataClass: string, at: number) => ({
  id,
  kind: 'PERSON',
  names: [name],
  nameTokens: nameTokens([name]),
  identifiers: [],
  attributes: '{}',
  dataClass,
  licence: 'INTERNAL_ONLY',
  sources: JSON.stringify([{ system: 'crm', recordId: id }]),
  createdAt: epochMs(at),
  updatedAt: epochMs(at),
});

/** `count` open candidates, one a second; `hidden(i)` puts the i-th pair's entities in a class the reader lacks. */
async function seed(tenant: string, count: number, hidden: (i: number) => boolean = () => false) {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const at = now - (count - i) * 1000;
    const dataClass = hidden(i) ? 'SECRET' : 'ENTITY';
    return {
      entity: entity(`e-${i}-b`, `Person ${i}`, dataClass, at),
      candidate: entity(`e-${i}-a`, `Person ${i}`, dataClass, at),
      review: {
        id: `rv-${String(i).padStart(4, '0')}`,
        entityId: `e-${i}-b`,
        candidateId: `e-${i}-a`,
        // Ties on purpose (every fifth shares a probability): the id breaks them.
        score: 0.6 + (i % 7) * 0.05,
        status: 'OPEN',
        createdAt: epochMs(at),
      },
    };
  });
  for (let from = 0; from < rows.length; from += 500) {
    await driver.executeQuery(seedReviewPairsCypher.cypher, { tenant, rows: rows.slice(from, from + 500) });
  }
  return {
    now,
    rows: rows.map((r) => ({ id: r.review.id, score: r.review.score, at: r.review.createdAt.toNumber() })),
  };
}

async function allPages(tenant: string, orderBy: ReviewOrder, first: number) {
  const ids: string[] = [];
  const pages: { totalCount: number; totalCountExact: boolean }[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await store.queue(tenant, { orderBy, first, after, dataClasses: ['ENTITY'] });
    ids.push(...page.items.map((r) => r.id));
    pages.push({ totalCount: page.totalCount, totalCountExact: page.totalCountExact });
    if (!page.hasNextPage) return { ids, pages };
    after = page.endCursor;
  }
  throw new Error('the queue never ended');
}

describe('review queue store (Neo4j)', () => {
  it('pages every order in full, in order, once each, past candidates the reader may not see', async () => {
    const tenant = testTenant('rq-pages');
    // Two of every three hidden, in runs: a page's first scan often comes back short and the store scans on.
    const { rows: seeded } = await seed(tenant, 90, (i) => i % 3 !== 0 || (i >= 30 && i < 60));
    const visible = seeded.filter((_, i) => i % 3 === 0 && !(i >= 30 && i < 60));
    const expected: Record<ReviewOrder, string[]> = {
      OLDEST: [...visible].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)).map((r) => r.id),
      NEWEST: [...visible].sort((a, b) => b.at - a.at || a.id.localeCompare(b.id)).map((r) => r.id),
      PROBABILITY_ASC: [...visible].sort((a, b) => a.score - b.score || a.id.localeCompare(b.id)).map((r) => r.id),
      PROBABILITY_DESC: [...visible].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).map((r) => r.id),
    };

    for (const orderBy of reviewOrders) {
      const { ids, pages } = await allPages(tenant, orderBy, 4);
      expect(ids, orderBy).toEqual(expected[orderBy]);
      expect(pages.every((p) => p.totalCount === visible.length && p.totalCountExact)).toBe(true);
    }
  });

  it('counts exactly below the cap and reports a lower bound above it; a narrower filter counts exactly again', async () => {
    const tenant = testTenant('rq-cap');
    const { now } = await seed(tenant, reviewCountCap + 25, (i) => i % 10 === 0);
    const atSeed = new Neo4jReviewStore(driver, { clock: () => now });

    const page = await atSeed.queue(tenant, { first: 10, dataClasses: ['ENTITY'] });
    const recent = await atSeed.queue(tenant, { filter: { maxAgeS: 200 }, first: 10, dataClasses: ['ENTITY'] });

    expect(page.totalCountExact).toBe(false);
    expect(page.totalCount).toBeGreaterThanOrEqual(reviewCountCap * 0.9);
    expect(page.totalCount).toBeLessThanOrEqual(reviewCountCap);
    expect(page.items).toHaveLength(10);
    expect(recent.totalCountExact).toBe(true);
    // The newest 200 s: candidates 825…1024 (one a second), 20 of them hidden.
    expect(recent.totalCount).toBe(180);
  });
});
