import { describe, expect, it } from 'vitest';
import { relTypes } from '../types.js';
import {
  exportByIdsCypher,
  exportByKindsCypher,
  getEntityCypher,
  neighborsCypher,
  pathCypher,
  searchCypher,
} from './reads.js';
import * as retention from './retention.js';
import { graphSchemaCypher } from './schema.js';
import { type CypherTemplate, isCypherTemplate } from './template.js';
import * as write from './writes.js';

const reads = [
  getEntityCypher,
  ...Object.values(neighborsCypher),
  searchCypher,
  ...Object.values(pathCypher),
  exportByIdsCypher,
  exportByKindsCypher,
];

/** A module's templates as export name → text (fixed maps as key → text), the shape the snapshots hold. */
function textsOf(module: Record<string, unknown>): Record<string, unknown> {
  const text = (v: unknown): unknown =>
    isCypherTemplate(v)
      ? v.cypher
      : Object.fromEntries(Object.entries(v as Record<string, CypherTemplate>).map(([k, t]) => [k, t.cypher]));
  return Object.fromEntries(Object.entries(module).map(([name, v]) => [name, text(v)]));
}

describe('cypher templates', () => {
  it('keeps the read templates and their cost hints stable', () => {
    expect(reads.map((t) => ({ name: t.name, cost: t.cost, text: t.cypher }))).toMatchSnapshot();
  });

  it('keeps the write templates stable, one static link/create template per relationship type', () => {
    expect(Object.keys(write.linkCypher)).toEqual([...relTypes]);
    expect(Object.keys(write.createRelsCypher)).toEqual([...relTypes]);
    expect(textsOf(write)).toMatchSnapshot();
  });

  it('keeps the migration statements stable', () => {
    expect(graphSchemaCypher.map((t) => t.cypher)).toMatchSnapshot();
  });

  it('hides expired entities in every read template, on every node it returns or walks through', () => {
    for (const t of reads) {
      const vars = [...t.cypher.matchAll(/\((\w+):Entity/g)].map((m) => m[1]);
      const yielded = t.cypher.includes('YIELD node') ? ['node'] : [];
      // Path members are covered by one predicate over `nodes(p)` (bound as `x`).
      const onPath = t.cypher.includes('x IN nodes(p)') ? ['n'] : [];
      for (const v of [...vars, ...yielded].filter((x) => !onPath.includes(x!))) {
        expect(t.cypher, `${t.name}.${v}`).toContain(`${v}.expiresAt > $now`);
      }
    }
  });

  it('keeps the retention templates stable', () => {
    expect(textsOf(retention)).toMatchSnapshot();
  });

  it('bounds every variable-length pattern with a literal of at most 3 hops', () => {
    for (const t of [...Object.values(neighborsCypher), ...Object.values(pathCypher)]) {
      const bounds = [...t.cypher.matchAll(/\*1\.\.(\d)|\{1,(\d)\}/g)].map((m) => Number(m[1] ?? m[2]));
      expect(bounds).toEqual([t.cost.maxHops]);
    }
  });
});
