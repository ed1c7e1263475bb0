/**
 * An independent read of a tenant's (or the whole store's) graph for round-trip tests: every node with its labels and
 * each property's value and Neo4j value type, every relationship with its type, typed properties and both endpoints'
 * contents. Element ids differ after a restore, so nodes are identified by content and both lists are sorted: two
 * snapshots are equal only when every node, relationship and property is (INTEGER vs FLOAT included).
 */
import type { Driver } from 'neo4j-driver';
import { restoreGraph } from '../graph-restore.js';

export interface GraphSnapshot {
  nodes: string[];
  relationships: string[];
}

const typed = (v: string) =>
  `[k IN keys(${v}) | [k, valueType(${v}[k]), CASE WHEN valueType(${v}[k]) STARTS WITH 'FLOAT' THEN toString(${v}[k]) ELSE ${v}[k] END]]`;

function text(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Snapshot of one tenant, or of every node and relationship in the store when `tenant` is null. */
export async function graphSnapshot(driver: Driver, tenant: string | null): Promise<GraphSnapshot> {
  const where = 'WHERE $tenant IS NULL OR n.tenant = $tenant';
  const config = { database: undefined };
  const nodes = await driver.executeQuery(
    `MATCH (n) ${where} RETURN elementId(n) AS id, [l IN labels(n) | l] AS labels, ${typed('n')} AS props`,
    { tenant },
    config,
  );
  const content = new Map<string, string>();
  for (const r of nodes.records) {
    const props = (r.get('props') as [string, string, unknown][]).sort((a, b) => a[0].localeCompare(b[0]));
    content.set(r.get('id'), text([(r.get('labels') as string[]).sort(), props]));
  }
  const rels = await driver.executeQuery(
    `MATCH (n)-[r]->(b) ${where} RETURN elementId(n) AS a, elementId(b) AS b, type(r) AS type, ${typed('r')} AS props`,
    { tenant },
    config,
  );
  const relationships = rels.records.map((r) => {
    const props = (r.get('props') as [string, string, unknown][]).sort((x, y) => x[0].localeCompare(y[0]));
    return text([r.get('type'), props, content.get(r.get('a')), content.get(r.get('b')) ?? 'OUTSIDE']);
  });
  return { nodes: [...content.values()].sort(), relationships: relationships.sort() };
}

/** Removes a tenant's (or, with null, every) node and relationship. */
export async function wipe(driver: Driver, tenant: string | null): Promise<void> {
  await driver.executeQuery('MATCH (n) WHERE $tenant IS NULL OR n.tenant = $tenant DETACH DELETE n', { tenant });
}

/**
 * The loss of a replay test: snapshots the tenant, wipes it, restores the backup `file`, snapshots again, then runs
 * `replay` twice with a snapshot after the first run (the second must change nothing).
 */
export async function loseRestoreReplayTwice<R>(
  driver: Driver,
  tenant: string,
  file: string,
  replay: () => Promise<R>,
): Promise<{ before: GraphSnapshot; restored: GraphSnapshot; first: R; afterFirst: GraphSnapshot; second: R }> {
  const before = await graphSnapshot(driver, tenant);
  await wipe(driver, tenant);
  await restoreGraph(driver, { file });
  const restored = await graphSnapshot(driver, tenant);
  const first = await replay();
  const afterFirst = await graphSnapshot(driver, tenant);
  const second = await replay();
  return { before, restored, first, afterFirst, second };
}
