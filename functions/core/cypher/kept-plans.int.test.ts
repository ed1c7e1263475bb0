import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeo4j } from '../../../infra/local/neo4j.js';
import { cacheDir } from '../../../infra/local/paths.js';
import { freePort } from '../../../infra/local/process.js';
import type { RunningComponent } from '../../../infra/local/types.js';
import { migrateEr } from '../er/migrations.js';
import { keepPlan } from '../graph/cypher/template.js';
import { createDriver, migrate } from '../graph/index.js';
import { keptPlans, keptPlanTemplates, keyOf, type PlanNode, planAnchors } from './test-support/kept-plans.js';

// Its own Neo4j, not the shared twin's: a kept plan is made on whatever the graph holds when a statement first runs,
// and the case that matters is a new deployment's empty graph, which the shared database is not once tests write.
let neo: RunningComponent;
let driver: Driver;
let runDir: string;

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'graphgate-plans-'));
  neo = await startNeo4j(
    { runDir, cacheDir, persistent: false },
    { port: await freePort(), heap: '384m', pageCache: '32m' },
  );
  driver = createDriver(neo.url);
  await migrate(driver);
  await migrateEr(driver);
});
afterAll(async () => {
  await driver?.close();
  await neo?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

describe('kept plans on a freshly migrated, empty graph', () => {
  it('starts from an empty graph', async () => {
    const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS n');
    expect(records[0]!.get('n').toNumber()).toBe(0);
  });

  it.each(keptPlanTemplates.map((r) => [keyOf(r), r.template.cypher] as const))(
    'plans %s on the index it is meant to seek, with no scan',
    async (key, cypher) => {
      const expected = keptPlans[key]!;
      const { summary } = await driver.executeQuery(`EXPLAIN ${cypher}`, expected.params);
      expect(planAnchors(summary.plan as unknown as PlanNode)).toEqual([...expected.anchors].sort());
    },
  );
});

// A deployment that takes up a new template plans it first on a graph that holds data: the same anchors there.
describe('kept plans planned afresh on a graph with data', () => {
  beforeAll(async () => {
    await driver.executeQuery(
      `UNWIND range(1, 3000) AS i
       CREATE (:Entity {tenant: 't-' + (i % 3), id: 'e' + i, kind: 'PERSON', names: ['n' + i], expiresAt: i})
       CREATE (:ErDecision {tenant: 't-' + (i % 3), eventId: 'ev' + i, band: 'LOW'})
       CREATE (:AppliedEvent {tenant: 't-' + (i % 3), eventId: 'ev' + i})`,
    );
    await driver.executeQuery('CALL db.resampleOutdatedIndexes()');
    await driver.executeQuery('CALL db.awaitIndexes(60)');
  });

  it.each(keptPlanTemplates.map((r) => [keyOf(r), r.template.cypher] as const))(
    'plans %s on the same anchors',
    async (key, cypher) => {
      const expected = keptPlans[key]!;
      const fresh = cypher.replace(keepPlan, 'CYPHER replan=force\n');
      const { summary } = await driver.executeQuery(`EXPLAIN ${fresh}`, expected.params);
      expect(planAnchors(summary.plan as unknown as PlanNode)).toEqual([...expected.anchors].sort());
    },
  );
});
