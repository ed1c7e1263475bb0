import { describe, expect, it } from 'vitest';
import {
  ageSeconds,
  createEntry,
  etagOf,
  invalidationTag,
  isFresh,
  isStaleServable,
  parseEntry,
  storeTtlMs,
  tagsOf,
} from './entry.js';

const T0 = 1_700_000_000_000;
const entry = () => createEntry({ body: '{"data":{"x":1}}', ttlMs: 10_000, swrMs: 5_000, tags: ['Entity'], now: T0 });

describe('entry freshness', () => {
  it('is fresh until the TTL, then stale-servable until TTL + window, then neither', () => {
    const e = entry();
    expect([isFresh(e, T0), isStaleServable(e, T0)]).toEqual([true, false]);
    expect([isFresh(e, T0 + 9_999), isStaleServable(e, T0 + 9_999)]).toEqual([true, false]);
    expect([isFresh(e, T0 + 10_000), isStaleServable(e, T0 + 10_000)]).toEqual([false, true]);
    expect([isFresh(e, T0 + 14_999), isStaleServable(e, T0 + 14_999)]).toEqual([false, true]);
    expect([isFresh(e, T0 + 15_000), isStaleServable(e, T0 + 15_000)]).toEqual([false, false]);
  });

  it('reports age in whole seconds and never negative under clock skew', () => {
    const e = entry();
    expect(ageSeconds(e, T0 + 2_999)).toBe(2);
    expect(ageSeconds(e, T0 - 5_000)).toBe(0);
    expect(isFresh(e, T0 - 5_000)).toBe(true);
  });

  it('is stored by Redis for TTL plus the stale window', () => {
    expect(storeTtlMs(entry())).toBe(15_000);
  });
});

describe('entry format', () => {
  it('carries a short weak etag that follows the body', () => {
    expect(entry().etag).toMatch(/^W\/"[0-9a-f]{16}"$/);
    expect(etagOf('a')).toBe(etagOf('a'));
    expect(etagOf('a')).not.toBe(etagOf('b'));
  });

  it('parses its own JSON and the object a client already parsed', () => {
    const e = entry();
    expect(parseEntry(JSON.stringify(e))).toEqual(e);
    expect(parseEntry(structuredClone(e))).toEqual(e);
  });

  it.each([null, 'not json', '{"v":2}', { ...entry(), v: 2 }, { ...entry(), body: 1 }, { ...entry(), tags: [1] }])(
    'treats %j as no entry',
    (value) => {
      expect(parseEntry(value)).toBeUndefined();
    },
  );

  it('tags with type and Type:id like envelop does, sorted and unique', () => {
    const tags = tagsOf([
      { typename: 'Entity', id: 'e2' },
      { typename: 'Entity', id: 'e1' },
      { typename: 'Entity', id: 'e1' },
      { typename: 'Source' },
    ]);
    expect(tags).toEqual(['Entity', 'Entity:e1', 'Entity:e2', 'Source']);
    expect(invalidationTag({ typename: 'Entity', id: 7 })).toBe('Entity:7');
    expect(invalidationTag({ typename: 'Entity' })).toBe('Entity');
  });
});
