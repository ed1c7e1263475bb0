import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTenant, twin } from '../../../infra/local/test-support/twin.js';
import { createDriver } from '../graph/driver.js';
import { epochMs } from '../graph/model.js';
import { migrateEr } from './migrations.js';
import { applyRecluster, type ReclusterPlan } from './recluster.js';
import { seedReviewPairsCypher } from './review/cypher.js';
import { memoryReviewEventBus } from './review/events-memory.js';

let driver: Driver;
beforeAll(async () => {
  driver = createDriver(twin().neo4jUri);
  await migrateEr(driver);
});
afterAll(() => driver?.close());

const entity = (id: string) => ({ id, kind: 'PERSON', names: [id], dataClass: 'ENTITY', createdAt: epochMs() });

describe('re-cluster and the live review queue', () => {
  it('announces each candidate it closes (CLOSED) and opens (CREATED), once: a rerun changes and announces nothing', async () => {
    const tenant = testTenant('rc-events');
    const rows = ['a', 'b'].map((k) => ({
      entity: entity(`e-${k}-1`),
      candidate: entity(`e-${k}-2`),
      review: {
        id: `rv-${k}`,
        entityId: `e-${k}-1`,
        candidateId: `e-${k}-2`,
        score: 0.7,
        status: 'OPEN',
        createdAt: epochMs(),
      },
    }));
    await driver.executeQuery(seedReviewPairsCypher.cypher, { tenant, rows });
    // rv-b was decided by a reviewer after the plan was made: the close must leave it (and say nothing).
    await driver.executeQuery("MATCH (r:ReviewCandidate {tenant: $tenant, id: 'rv-b'}) SET r.status = 'REJECTED'", {
      tenant,
    });
    const plan: ReclusterPlan = {
      modelVersion: 'fs-test',
      splits: [],
      merges: [],
      reviews: [{ entityId: 'e-a-1', candidateId: 'e-b-2', probability: 0.8, explanation: null as never }],
      closes: [
        { id: 'rv-a', status: 'SUPERSEDED', probability: 0.2 },
        { id: 'rv-b', status: 'SUPERSEDED', probability: 0.2 },
      ],
      stats: { records: 4, entitiesBefore: 4, entitiesAfter: 4, pairsScored: 2, skippedKeys: 0 },
    };
    const bus = memoryReviewEventBus();

    await applyRecluster(driver, tenant, plan, { reviewEvents: bus });
    const first = bus.published.map((e) => [e.kind, e.reviewId, e.status]);
    await applyRecluster(driver, tenant, plan, { reviewEvents: bus });

    expect(first).toEqual([
      ['CLOSED', 'rv-a', 'SUPERSEDED'],
      ['CREATED', expect.stringMatching(/^rv-/), 'OPEN'],
    ]);
    expect(bus.published).toHaveLength(2);
    expect(bus.published.every((e) => e.tenant === tenant)).toBe(true);
  });
});
