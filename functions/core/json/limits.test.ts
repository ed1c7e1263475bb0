import { describe, expect, it } from 'vitest';
import { assertJsonWithin, JsonLimitError } from './limits.js';

const nestedArrays = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const limits = { maxDepth: 4, maxNodes: 10 };

describe('assertJsonWithin', () => {
  it('accepts values up to the depth and node limits', () => {
    expect(() => assertJsonWithin(nestedArrays(4), limits)).not.toThrow();
    expect(() => assertJsonWithin({ a: [1, 2, { b: 3 }] }, limits)).not.toThrow();
    expect(() => assertJsonWithin([1, 2, 3, 4, 5, 6, 7, 8, 9], limits)).not.toThrow();
    expect(() => assertJsonWithin('scalar', limits)).not.toThrow();
  });

  it('refuses one level too deep, in arrays and in objects', () => {
    expect(() => assertJsonWithin(nestedArrays(5), limits)).toThrow(
      expect.objectContaining({ code: 'JSON_TOO_DEEP', message: 'the JSON value nests deeper than 4 levels' }),
    );
    expect(() => assertJsonWithin({ a: { b: { c: { d: { e: 1 } } } } }, limits, 'variables')).toThrow(
      'variables nests deeper than 4 levels',
    );
  });

  it('refuses one value too many', () => {
    const err = (() => {
      try {
        assertJsonWithin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], limits);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JsonLimitError);
    expect(err).toMatchObject({ code: 'JSON_TOO_MANY_VALUES', context: { maxNodes: 10 } });
  });

  it('walks a value far deeper than any call stack without overflowing', () => {
    const deep = nestedArrays(200_000);
    expect(() => assertJsonWithin(deep, { maxDepth: 300_000, maxNodes: 1_000_000 })).not.toThrow();
    expect(() => assertJsonWithin(deep)).toThrow(expect.objectContaining({ code: 'JSON_TOO_DEEP' }));
  });
});
