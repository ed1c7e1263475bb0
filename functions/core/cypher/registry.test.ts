import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CypherTemplate } from '../graph/cypher/template.js';
import { cypherModules, cypherRegistry } from './registry.js';
import { keptPlans, keptPlanTemplates, keyOf } from './test-support/kept-plans.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const writeClause = /\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|FOREACH|DROP)\b/;
const dataClause = /\b(MATCH|MERGE|UNWIND|SET|DELETE|REMOVE|RETURN)\b/;
/** `tenant` bound or compared to anything but `$tenant` (a row field, a literal, another parameter). */
const foreignTenant = /\btenant\s*(:|=|\bIN\b)(?!\s*\$tenant\b)/;
const ddlStatement =
  /^(CREATE|DROP) (CONSTRAINT|(FULLTEXT |RANGE |TEXT |POINT |VECTOR )?INDEX) \w+ |^CALL db\.awaitIndexes?\(\$\w+\)$/;
const tenantIdsOnly = /\nRETURN DISTINCT (\w+)\.tenant AS tenant(\nORDER BY tenant)?$/;

/** What the tenant guard finds wrong with one template, by its declared kind; empty when it passes. */
function tenantGuard(t: CypherTemplate): string[] {
  const problems: string[] = [];
  switch (t.kind) {
    case 'read':
    case 'write':
      if (!/\$tenant\b/.test(t.cypher)) problems.push('touches tenant data without $tenant');
      if (foreignTenant.test(t.cypher)) problems.push('binds tenant to something other than $tenant');
      if (t.kind === 'read' && writeClause.test(t.cypher)) problems.push('is declared a read but writes');
      break;
    case 'tenant-listing':
      if (!tenantIdsOnly.test(t.cypher)) problems.push('spans tenants but returns more than tenant ids');
      if (writeClause.test(t.cypher)) problems.push('spans tenants and writes');
      break;
    case 'ddl':
      if (!ddlStatement.test(t.cypher)) problems.push('is declared DDL but is not a schema statement');
      break;
    case 'probe':
      if (dataClause.test(t.cypher.replace(/^RETURN\b/, '')) || t.cypher.includes('(')) {
        problems.push('is declared a probe but touches data');
      }
      break;
  }
  return problems;
}

describe('the Cypher registry', () => {
  it('registers modules that exist and hold templates, under unique names', () => {
    for (const m of cypherModules) expect(existsSync(`${root}${m.file}`), m.file).toBe(true);
    for (const m of cypherModules)
      expect(
        cypherRegistry.some((r) => r.file === m.file),
        m.file,
      ).toBe(true);
    const names = cypherRegistry.map((r) => `${r.area}.${r.template.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('holds the ER and NLQ plan templates as well as the graph ones', () => {
    const areas = new Set(cypherRegistry.map((r) => r.area));
    expect([...areas].sort()).toEqual(['er', 'graph', 'nlq']);
    expect(cypherRegistry.filter((r) => r.area === 'er').map((r) => r.template.name)).toContain('recordLedgerChain');
  });

  it('passes every registered template through the tenant guard: $tenant on all tenant data, exemptions by kind', () => {
    const failures = cypherRegistry.flatMap(({ area, template }) =>
      tenantGuard(template).map((p) => `${area}.${template.name} ${p}`),
    );
    expect(failures).toEqual([]);
  });

  it('has a plan expectation for every template that keeps its plan (checked on Neo4j by kept-plans.int.test.ts)', () => {
    expect(keptPlanTemplates.map(keyOf).sort()).toEqual(Object.keys(keptPlans).sort());
  });

  it('fails templates that skip $tenant or claim a kind they are not', () => {
    const bad: CypherTemplate[] = [
      { name: 'noTenant', kind: 'read', cypher: 'MATCH (e:Entity {id: $id}) RETURN e' },
      {
        name: 'rowTenant',
        kind: 'write',
        cypher: 'UNWIND $rows AS row MATCH (d:X {tenant: row.tenant}) SET d.y = $tenant',
      },
      { name: 'readWrites', kind: 'read', cypher: 'MATCH (e:Entity {tenant: $tenant}) SET e.x = 1' },
      { name: 'fakeDdl', kind: 'ddl', cypher: 'MATCH (e:Entity) DETACH DELETE e' },
      {
        name: 'leakyListing',
        kind: 'tenant-listing',
        cypher: 'MATCH (e:Entity)\nRETURN DISTINCT e.tenant AS tenant, e.names',
      },
      { name: 'tenantSet', kind: 'read', cypher: 'MATCH (d:X) WHERE d.tenant IN $tenants RETURN count(d) AS n' },
      { name: 'fakeProbe', kind: 'probe', cypher: 'MATCH (e) RETURN count(e)' },
    ];
    for (const t of bad) expect(tenantGuard(t), t.name).not.toEqual([]);
  });
});
