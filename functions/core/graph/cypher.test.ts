import { describe, expect, it } from 'vitest';
import {
  exportByIdsCypher,
  exportByKindsCypher,
  getEntityCypher,
  luceneNameQuery,
  neighborhoodRelsCypher,
  neighborsCypher,
  pathCypher,
  searchCypher,
} from './cypher.js';
import * as retention from './cypher-retention.js';
import * as write from './cypher-write.js';
import { migrationStatements } from './migrations.js';
import { relTypes } from './types.js';

const reads = [
  getEntityCypher,
  ...Object.values(neighborsCypher),
  neighborhoodRelsCypher,
  searchCypher,
  ...Object.values(pathCypher),
  exportByIdsCypher,
  exportByKindsCypher,
];

describe('cypher templates', () => {
  it('keeps the read templates and their cost hints stable', () => {
    expect(reads.map((t) => ({ name: t.name, cost: t.cost, text: t.text }))).toMatchSnapshot();
  });

  it('keeps the write templates stable, one static link/create template per relationship type', () => {
    expect(Object.keys(write.linkCypher)).toEqual([...relTypes]);
    expect(Object.keys(write.createRelsCypher)).toEqual([...relTypes]);
    expect(write).toMatchSnapshot();
  });

  it('keeps the migration statements stable', () => {
    expect(migrationStatements).toMatchSnapshot();
  });

  it('puts $tenant in every template that touches tenant data', () => {
    const texts = [
      ...reads.map((t) => t.text),
      ...Object.values(write).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v))),
    ];
    for (const text of texts) expect(text).toContain('$tenant');
  });

  it('hides expired entities in every read template, on every node it returns or walks through', () => {
    for (const t of reads) {
      const vars = [...t.text.matchAll(/\((\w+):Entity/g)].map((m) => m[1]);
      const yielded = t.text.includes('YIELD node') ? ['node'] : [];
      // Path members are covered by one predicate over `nodes(p)` (bound as `x`).
      const onPath = t.text.includes('x IN nodes(p)') ? ['n'] : [];
      for (const v of [...vars, ...yielded].filter((x) => !onPath.includes(x!))) {
        expect(t.text, `${t.name}.${v}`).toContain(`${v}.expiresAt > $now`);
      }
    }
  });

  it('keeps the retention templates stable, tenant-scoped except the tenant listing', () => {
    expect(retention).toMatchSnapshot();
    for (const [name, text] of Object.entries(retention)) {
      if (name !== 'tenantsToSweepCypher') expect(text, name).toContain('$tenant');
    }
  });

  it('bounds every variable-length pattern with a literal of at most 3 hops', () => {
    for (const t of [...Object.values(neighborsCypher), ...Object.values(pathCypher)]) {
      const bounds = [...t.text.matchAll(/\*1\.\.(\d)|\{1,(\d)\}/g)].map((m) => Number(m[1] ?? m[2]));
      expect(bounds).toEqual([t.cost.maxHops]);
    }
  });

  it('builds Lucene queries from tokens only, escaping anything special', () => {
    expect(luceneNameQuery(['jurgen', 'mu'])).toBe('(jurgen^4 OR jurgen*^2 OR jurgen~1) (mu^4 OR mu*^2)');
    expect(luceneNameQuery(['a:b'])).toBe('(a\\:b^4 OR a\\:b*^2)');
  });
});
