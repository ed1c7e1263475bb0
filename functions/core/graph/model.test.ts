import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { mergedSurvivorProps, restoredSurvivorProps } from './merge-props.js';
import { decodeProps, toEntity, toNumber } from './model.js';

describe('conversions', () => {
  it('turns neo4j integers and epoch ms into numbers and ISO strings', () => {
    expect(toNumber(neo4j.int(42))).toBe(42);
    expect(toNumber(42n)).toBe(42);
    const e = toEntity({
      id: 'e1',
      kind: 'PERSON',
      names: ['A'],
      attributes: '{"x":1}',
      sources: 'not json',
      dataClass: 'PII',
      licence: 'PUBLIC',
      createdAt: neo4j.int(0),
      updatedAt: 1000,
    });
    expect(e).toMatchObject({
      attributes: { x: 1 },
      sources: [],
      identifiers: [],
      createdAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('decodes tagged integers back to neo4j integers and leaves floats alone', () => {
    const decoded = decodeProps({ createdAt: { int: '12' }, confidence: 0.5, names: ['a'] });
    expect(neo4j.isInt(decoded.createdAt)).toBe(true);
    expect(decoded).toMatchObject({ confidence: 0.5, names: ['a'] });
  });
});

describe('merge properties', () => {
  const survivor = {
    id: 's',
    names: ['Ann Lee'],
    identifiers: ['passport:1'],
    attributes: '{"a":1,"b":1}',
    sources: '[{"system":"x","recordId":"1"}]',
    dataClass: 'ENTITY',
    licence: 'PUBLIC',
    updatedAt: { int: '1' },
  };
  const merged = {
    id: 'm',
    names: ['A. Lee', 'Ann Lee'],
    identifiers: ['passport:1', 'tax:9'],
    attributes: '{"b":2,"c":2}',
    sources: '[{"system":"x","recordId":"1"},{"system":"y","recordId":"2"}]',
    dataClass: 'PII',
    licence: 'NO_EXPORT',
  };

  it('unites names, identifiers and sources, keeps survivor attributes and takes the stricter class and licence', () => {
    const after = mergedSurvivorProps(survivor, merged, 5);
    expect(after).toMatchObject({
      id: 's',
      names: ['Ann Lee', 'A. Lee'],
      nameTokens: ['ann', 'lee', 'a'],
      identifiers: ['passport:1', 'tax:9'],
      dataClass: 'PII',
      licence: 'NO_EXPORT',
      updatedAt: { int: '5' },
    });
    expect(JSON.parse(after.attributes as string)).toEqual({ a: 1, b: 1, c: 2 });
    expect(JSON.parse(after.sources as string)).toHaveLength(2);
  });

  it('restores the survivor exactly when nothing changed it after the merge', () => {
    const after = mergedSurvivorProps(survivor, merged, 5);
    expect(restoredSurvivorProps(survivor, after, after)).toEqual(survivor);
  });

  it('keeps a value changed after the merge', () => {
    const after = mergedSurvivorProps(survivor, merged, 5);
    const current = { ...after, licence: 'INTERNAL_ONLY' };
    expect(restoredSurvivorProps(survivor, after, current)).toEqual({ ...survivor, licence: 'INTERNAL_ONLY' });
  });
});
