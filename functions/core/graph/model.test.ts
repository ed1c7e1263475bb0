import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { maxObservedSources, maxObservedValues, mergedSurvivorProps, restoredSurvivorProps } from './merge-props.js';
import { decodeProps, toEntity, toNeighborEntity, toNumber } from './model.js';

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

  it('maps a neighbourhood projection as toEntity does, without identifiers', () => {
    const props = {
      id: 'e1',
      kind: 'PERSON',
      names: ['A'],
      identifiers: ['orcid:1'],
      attributes: '{"x":1}',
      sources: '[{"system":"s","recordId":"r"}]',
      dataClass: 'PII',
      licence: 'PUBLIC',
      createdAt: neo4j.int(0),
      updatedAt: 1000,
    };
    const { identifiers: _, ...expected } = toEntity(props);
    expect(toNeighborEntity(props)).toEqual(expected);
    expect(toNeighborEntity(props)).not.toHaveProperty('identifiers');
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
    const { observed, ...shown } = JSON.parse(after.attributes as string);
    expect(shown).toEqual({ a: 1, b: 1, c: 2 });
    expect(observed).toEqual({
      a: [{ value: 1, sources: ['x/1'] }],
      b: [
        { value: 1, sources: ['x/1'] },
        { value: 2, sources: ['x/1', 'y/2'] },
      ],
      c: [{ value: 2, sources: ['x/1', 'y/2'] }],
    });
    expect(JSON.parse(after.sources as string)).toHaveLength(2);
  });

  it('keeps every value an attribute had across merges, with provenance, and typed dates per type', () => {
    const record = (id: string, birth: string, city: string) => ({
      id,
      names: ['Ann Lee'],
      attributes: JSON.stringify({ city, dates: { birth } }),
      sources: JSON.stringify([{ system: 'crm', recordId: id }]),
      dataClass: 'ENTITY',
      licence: 'PUBLIC',
    });
    const once = mergedSurvivorProps(record('1', '1980-02-03', 'Leeds'), record('2', '1980-03-02', 'Leeds'), 2);
    const twice = mergedSurvivorProps(once, record('3', '1980-02-03', 'York'), 3);
    const attributes = JSON.parse(twice.attributes as string);
    // The survivor still shows its own values; every other value seen stays beside them with its sources.
    expect(attributes.dates).toEqual({ birth: '1980-02-03' });
    expect(attributes.observed['dates.birth']).toEqual([
      { value: '1980-02-03', sources: ['crm/1', 'crm/3'] },
      { value: '1980-03-02', sources: ['crm/2'] },
    ]);
    expect(attributes.observed.city).toEqual([
      { value: 'Leeds', sources: ['crm/1', 'crm/2'] },
      { value: 'York', sources: ['crm/3'] },
    ]);
  });

  it('bounds the values kept per attribute and the sources kept per value', () => {
    let survivor: Record<string, unknown> = {
      id: 's0',
      attributes: '{"v":0}',
      sources: '[{"system":"s","recordId":"0"}]',
    };
    for (let i = 1; i <= 2 * maxObservedValues + 5; i++) {
      const next = {
        id: `s${i}`,
        attributes: JSON.stringify({ v: i % 2 === 0 ? 0 : i }),
        sources: JSON.stringify([{ system: 's', recordId: String(i) }]),
      };
      survivor = mergedSurvivorProps(survivor, next, i);
    }
    const observed = JSON.parse(survivor.attributes as string).observed.v as { value: number; sources: string[] }[];
    expect(observed).toHaveLength(maxObservedValues);
    expect(observed[0]!.value).toBe(0);
    expect(observed[0]!.sources).toHaveLength(maxObservedSources);
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
