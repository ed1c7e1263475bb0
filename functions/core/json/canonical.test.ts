import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from './canonical.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 2, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":2}',
    );
  });

  it('writes numbers and strings as RFC 8785 does', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, '€\u000f"'])).toBe(
      '[1e+21,1e-7,0,0.30000000000000004,"€\\u000f\\""]',
    );
  });

  it('drops undefined, function and symbol members and writes them as null in arrays', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: () => 1, d: Symbol('x') })).toBe('{"a":1}');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
  });

  it('keeps a __proto__ key as data', () => {
    const withProto = JSON.parse('{"__proto__":{"x":1},"id":"a"}');
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"x":1},"id":"a"}');
  });

  it('honours toJSON', () => {
    expect(canonicalJson({ at: new Date('2024-01-02T03:04:05Z') })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['a bigint', { n: 1n }],
    ['a lone surrogate', { s: '\ud800' }],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalJsonError);
  });

  it('property: reads back as the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
