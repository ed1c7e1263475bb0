import { describe, expect, it } from 'vitest';
import { cypherRegistry } from '../cypher/registry.js';
import { guardPlan } from './guard.js';
import { hostilePlans } from './test-support/hostile-corpus.js';

const params = [
  'tenant',
  'dataClasses',
  'now',
  'limit',
  'kind',
  'name',
  'identifier',
  'source',
  'licence',
  'createdAfter',
  'createdBefore',
  'anchor',
  'relType',
  'through',
  'from',
  'to',
];
const verdict = (cypher: string) => guardPlan(cypher, { params, maxRows: 100 });
const codeOf = (cypher: string) => {
  const v = verdict(cypher);
  return v.ok ? 'accepted' : v.refusal.code;
};

describe('the NLQ plan guard (parser-based)', () => {
  it('accepts every registered NLQ plan template', () => {
    const refused = cypherRegistry
      .filter((r) => r.area === 'nlq')
      .flatMap((r) => {
        const v = verdict(r.template.cypher);
        return v.ok ? [] : [`${r.template.name}: ${v.refusal.message}`];
      });
    expect(refused).toEqual([]);
  }, 120_000);

  it(`refuses every hostile plan of the corpus (${Object.keys(hostilePlans).length})`, () => {
    const accepted = Object.entries(hostilePlans).filter(([, plan]) => verdict(plan).ok);
    expect(accepted.map(([name]) => name)).toEqual([]);
  }, 120_000);

  it('names what is wrong with a stable code', () => {
    expect(codeOf(hostilePlans['detach delete']!)).toBe('PLAN_REJECTED');
    expect(codeOf(hostilePlans['tenant in an OR']!)).toBe('CROSS_TENANT');
    expect(codeOf(hostilePlans['second node without tenant']!)).toBe('CROSS_TENANT');
    expect(codeOf(hostilePlans['huge hop count']!)).toBe('HOPS_TOO_DEEP');
    expect(codeOf(hostilePlans['syntax error']!)).toBe('PLAN_INVALID');
    const v = verdict(hostilePlans['apoc function']!);
    expect(v.ok ? '' : v.refusal.message).toContain('apoc.convert.toJson');
  });

  it('accepts a plain tenant-scoped read a model might write', () => {
    expect(codeOf('MATCH (e:Entity {tenant: $tenant}) WHERE e.kind = $kind RETURN e.id AS id LIMIT 10')).toBe(
      'accepted',
    );
    expect(codeOf('MATCH (e:Entity) WHERE e.tenant = $tenant AND e.kind = $kind RETURN count(e) AS n LIMIT 1')).toBe(
      'accepted',
    );
  });
});
