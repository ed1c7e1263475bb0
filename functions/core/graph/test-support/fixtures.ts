/** Test fixtures for the graph area (factories, raw-state dumps); imported by tests only. */
import type { Driver } from 'neo4j-driver';
import type { EntityInput, LinkInput } from '../types.js';

/** A valid entity input; override what the test is about. */
export function entityInput(overrides: Partial<EntityInput> = {}): EntityInput {
  return { kind: 'PERSON', names: ['Ada Lovelace'], dataClass: 'PII', licence: 'INTERNAL_ONLY', ...overrides };
}

/** A valid link input between two ids. */
export function linkInput(from: string, to: string, overrides: Partial<LinkInput> = {}): LinkInput {
  return { from, to, type: 'KNOWS', ...overrides };
}

/**
 * Everything stored for a tenant, with each property's Neo4j value type, in a stable order: two dumps are equal only
 * when the tenant's graph is the same down to INTEGER vs FLOAT (relationship element ids excluded).
 */
export async function dumpTenant(driver: Driver, tenant: string) {
  const typed = (v: string) => `[k IN keys(${v}) | [k, valueType(${v}[k]), ${v}[k]]]`;
  const nodes = await driver.executeQuery(
    `MATCH (n:Entity {tenant: $tenant}) WITH n ORDER BY n.id RETURN collect([n.id, ${typed('n')}]) AS nodes`,
    { tenant },
  );
  const rels = await driver.executeQuery(
    `MATCH (a {tenant: $tenant})-[r]->(b) WITH a, r, b ORDER BY r.id, a.id, b.id
     RETURN collect([type(r), a.id, b.id, ${typed('r')}]) AS rels`,
    { tenant },
  );
  const sortPairs = (rows: unknown[][]) =>
    rows.map((row) =>
      row.map((x) => (Array.isArray(x) ? [...x].sort((p, q) => String(p[0]).localeCompare(String(q[0]))) : x)),
    );
  return {
    nodes: sortPairs(nodes.records[0]!.get('nodes')),
    rels: sortPairs(rels.records[0]!.get('rels')),
  };
}
