import { describe, expect, it } from 'vitest';
import { type EntityKind, entityKinds } from '../../../functions/core/graph/types.js';
import { seedEntity } from './graph.js';
import { mulberry32, nameVariant } from './names.js';

describe('seed data', () => {
  it('is deterministic for a seed', () => {
    const kinds: EntityKind[] = Array.from({ length: 50 }, (_, i) => entityKinds[i % 2]!);
    const a = Array.from({ length: 50 }, (_, i) => seedEntity(7, 't', i, kinds));
    const b = Array.from({ length: 50 }, (_, i) => seedEntity(7, 't', i, kinds));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(seedEntity(8, 't', 3, kinds))).not.toBe(JSON.stringify(a[3]));
  });

  it('restates some entities as name variants of earlier ones', () => {
    const kinds: EntityKind[] = Array.from({ length: 500 }, () => 'PERSON');
    const dups = Array.from({ length: 500 }, (_, i) => seedEntity(42, 't', i, kinds)).filter((e) => e.dupOf >= 0);
    expect(dups.length).toBeGreaterThan(25);
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
