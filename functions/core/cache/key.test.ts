import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheKeyError } from './errors.js';
import { assertTenant, type CacheKeyInput, cacheKey, cacheKeyAsync, tagSetKey } from './key.js';

const input = (over: Partial<CacheKeyInput> = {}): CacheKeyInput => ({
  tenant: 'acme',
  operationId: 'a'.repeat(64),
  variables: { id: 'e1' },
  scopeFingerprint: '3f1c0a9e4b7d2a61',
  schemaVersion: '0123456789abcdef',
  scope: 'PUBLIC',
  ...over,
});

/** Rebuilds an object with its keys in a permuted order, at every depth. */
function shuffleKeys(value: unknown, rnd: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rnd));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(() => rnd() - 0.5);
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rnd)]));
}

const tenantArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);

describe('cacheKey', () => {
  it('starts with the tenant prefix and hashes the rest', () => {
    expect(cacheKey(input())).toMatch(/^gg:v1:acme:[0-9a-f]{64}$/);
  });

  it('gives the same key for the same variables in any key order', () => {
    expect(cacheKey(input({ variables: { a: 1, b: 2 } }))).toBe(cacheKey(input({ variables: { b: 2, a: 1 } })));
  });

  it('treats missing, null and empty variables alike, but not a value spelled out', () => {
    const empty = cacheKey(input({ variables: {} }));
    expect(cacheKey(input({ variables: undefined }))).toBe(empty);
    expect(cacheKey(input({ variables: null }))).toBe(empty);
    // Defaults are not applied: `{hops: 1}` and `{}` are different entries even when hops defaults to 1.
    expect(cacheKey(input({ variables: { hops: 1 } }))).not.toBe(empty);
  });

  it('changes with every other input', () => {
    const base = cacheKey(input());
    for (const over of [
      { operationId: 'b'.repeat(64) },
      { variables: { id: 'e2' } },
      { scopeFingerprint: 'ffffffffffffffff' },
      { schemaVersion: 'fedcba9876543210' },
    ]) {
      expect(cacheKey(input(over))).not.toBe(base);
    }
  });

  it('includes the subject for PRIVATE and ignores it for PUBLIC', () => {
    expect(cacheKey(input({ subject: 'alice' }))).toBe(cacheKey(input()));
    const a = cacheKey(input({ scope: 'PRIVATE', subject: 'alice' }));
    const b = cacheKey(input({ scope: 'PRIVATE', subject: 'bob' }));
    expect(a).not.toBe(b);
    expect(a).not.toBe(cacheKey(input()));
  });

  it('drops undefined variables and keeps a __proto__ variable as data', () => {
    expect(cacheKey(input({ variables: { id: 'e1', hops: undefined } }))).toBe(cacheKey(input()));
    const withProto = JSON.parse('{"__proto__":{"x":1},"id":"e1"}') as Record<string, unknown>;
    expect(cacheKey(input({ variables: withProto }))).not.toBe(cacheKey(input()));
  });

  it('refuses variables JSON cannot carry exactly (a lone surrogate)', () => {
    expect(() => cacheKey(input({ variables: { id: '\ud800' } }))).toThrow(CacheKeyError);
  });

  it('refuses a PRIVATE operation without a subject', () => {
    expect(() => cacheKey(input({ scope: 'PRIVATE' }))).toThrow(CacheKeyError);
  });

  it.each(['', 'Acme', 'a:b', 'acme:tag', 'a b', '-a', 'a'.repeat(64), 'ümlaut', 'a\n'])('refuses tenant %j', (t) => {
    expect(() => cacheKey(input({ tenant: t }))).toThrow(CacheKeyError);
    expect(() => tagSetKey(t, 'Entity:1')).toThrow(CacheKeyError);
  });

  it('accepts tenants of the safe charset', () => {
    for (const t of ['a', '0', 't-label-abc123', 'a'.repeat(63)]) expect(() => assertTenant(t)).not.toThrow();
  });

  it('matches the async WebCrypto variant', async () => {
    await fc.assert(
      fc.asyncProperty(tenantArb, fc.dictionary(fc.string(), fc.jsonValue()), async (tenant, variables) => {
        const i = input({ tenant, variables });
        expect(await cacheKeyAsync(i)).toBe(cacheKey(i));
      }),
      { numRuns: 200 },
    );
  });

  it('property: distinct tenants never share a key, and each key sits under its own prefix', () => {
    fc.assert(
      fc.property(
        tenantArb,
        tenantArb,
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.stringMatching(/^[0-9a-f]{1,64}$/),
        (t1, t2, variables, operationId) => {
          fc.pre(t1 !== t2);
          const k1 = cacheKey(input({ tenant: t1, variables, operationId }));
          const k2 = cacheKey(input({ tenant: t2, variables, operationId }));
          expect(k1).not.toBe(k2);
          expect(k1.startsWith(`gg:v1:${t1}:`)).toBe(true);
          expect(k2.startsWith(`gg:v1:${t2}:`)).toBe(true);
          // One tenant's prefix never prefixes the other's key (`acme` vs `acme-2` differ at the `:`).
          expect(k1.startsWith(`gg:v1:${t2}:`)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: any key order of the variables gives the same key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer(), (variables, seed) => {
        let s = seed;
        const rnd = () => {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          return s / 0x7fffffff;
        };
        const shuffled = shuffleKeys(variables, rnd) as Record<string, unknown>;
        expect(cacheKey(input({ variables: shuffled }))).toBe(cacheKey(input({ variables })));
      }),
      { numRuns: 500 },
    );
  });
});
