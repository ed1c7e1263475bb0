import { describe, expect, it } from 'vitest';
import { toNumber } from '../../../functions/core/graph/model.js';
import { type EntityKind, entityKinds } from '../../../functions/core/graph/types.js';
import { seedEntity } from './graph.js';
import { mulberry32, nameVariant } from './names.js';

const asOf = Date.UTC(2026, 5, 1);
const day = 86_400_000;

describe('seed data', () => {
  it('is deterministic for a seed', () => {
    const kinds: EntityKind[] = Array.from({ length: 50 }, (_, i) => entityKinds[i % 2]!);
    const a = Array.from({ length: 50 }, (_, i) => seedEntity(7, 't', i, kinds, asOf));
    const b = Array.from({ length: 50 }, (_, i) => seedEntity(7, 't', i, kinds, asOf));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(seedEntity(8, 't', 3, kinds, asOf))).not.toBe(JSON.stringify(a[3]));
  });

  it('restates some entities as name variants of earlier ones', () => {
    const kinds: EntityKind[] = Array.from({ length: 500 }, () => 'PERSON');
    const dups = Array.from({ length: 500 }, (_, i) => seedEntity(42, 't', i, kinds, asOf)).filter((e) => e.dupOf >= 0);
    expect(dups.length).toBeGreaterThan(25);
  });

  it('records when and why each entity was collected: mostly recent and for a purpose, some backlog and some without', () => {
    const kinds: EntityKind[] = Array.from({ length: 2_000 }, (_, i) => entityKinds[i % entityKinds.length]!);
    const seeded = Array.from({ length: 2_000 }, (_, i) => seedEntity(7, 't', i, kinds, asOf));
    const ages = seeded.map((e) => (asOf - toNumber(e.props.createdAt)) / day);

    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    const recent = ages.filter((a) => a < 21).length / ages.length;
    expect(recent).toBeGreaterThan(0.8);
    expect(recent).toBeLessThan(0.9);
    expect(ages.filter((a) => a > 365).length).toBeGreaterThan(0);
    const withPurpose = seeded.filter((e) => e.props.purposes.length > 0).length / seeded.length;
    expect(withPurpose).toBeGreaterThan(0.85);
    expect(withPurpose).toBeLessThan(0.95);
    expect(seeded.filter((e) => e.kind === 'PERSON').every((e) => !e.props.purposes.includes('analytics'))).toBe(true);
  });

  it('makes typos, transliterations, initials and reorderings', () => {
    const rng = mulberry32(3);
    const variants = new Set(Array.from({ length: 40 }, () => nameVariant(rng, 'Jürgen Müller')));
    expect(variants).toContain('J. Müller');
    expect(variants).toContain('Juergen Mueller');
    expect(variants).toContain('Müller, Jürgen');
    expect(variants.size).toBeGreaterThan(5);
  });
});
