import { describe, expect, it } from 'vitest';
import { osaDistance } from '../similarity.js';
import {
  addressOf,
  type ComparableRecord,
  compareAddresses,
  compareDates,
  compareIdentifierValues,
  compareRecords,
} from './comparisons.js';
import { describeLevel, levelSets } from './levels.js';
import { compareNameParts, nameParts } from './names.js';

/** A comparable record with only what a test sets. */
const rec = (over: Partial<ComparableRecord> = {}): ComparableRecord => ({
  names: [],
  identifiers: [],
  dates: {},
  attributes: {},
  ...over,
});
const levelOf = (a: ComparableRecord, b: ComparableRecord, comparison: string) =>
  compareRecords(a, b).find((r) => r.comparison === comparison)?.level;
const nameLevel = (a: string, b: string) => compareNameParts(nameParts(a), nameParts(b)).level;

describe('name comparison', () => {
  it.each([
    ['John Smith', 'John Smith', 'exact'],
    ['John Smith', 'SMITH, John', 'exact'],
    ['John Paul Smith', 'John Smith', 'subset'],
    ['Smith', 'John Smith', 'single'],
    ['Smyth', 'John Smith', 'single'],
    ['Brown', 'John Smith', 'different'],
    ['Jonathan Smith', 'Jonathon Smith', 'jw92'],
    ['Geoffrey Smith', 'Jeffery Smith', 'jw80'],
    ['Bill Smith', 'William Smith', 'alias'],
    ['J Smith', 'John Smith', 'alias'],
    ['Smith Bill', 'William Smyth', 'alias'],
    ['Mary Smith', 'John Smith', 'partial'],
    ['Mary Brown', 'John Smith', 'different'],
    // Order-free pairing lets any part pair with any other: jones ~ john reaches JW 0.80.
    ['Mary Jones', 'John Smith', 'partial'],
  ])('%s ~ %s is %s', (a, b, level) => {
    expect(nameLevel(a, b)).toBe(level);
  });

  it('is symmetric', () => {
    expect(nameLevel('Smith', 'John Smith')).toBe(nameLevel('John Smith', 'Smith'));
    expect(nameLevel('William Smyth', 'Smith Bill')).toBe('alias');
  });

  it('reports the exactly agreeing tokens for the term-frequency adjustment', () => {
    expect(compareNameParts(nameParts('John Paul Smith'), nameParts('Smith John')).agreed.sort()).toEqual([
      'john',
      'smith',
    ]);
  });

  it('takes the best pairing across alias names, and missing when a side has no name', () => {
    const a = rec({ names: ['Robert Jones', 'Bob Smith'] });
    expect(levelOf(a, rec({ names: ['Bob Smith'] }), 'name')).toBe('exact');
    expect(levelOf(a, rec({ names: [] }), 'name')).toBe('missing');
  });
});

describe('identifier comparison', () => {
  it('counts one substitution, deletion or adjacent transposition as one edit', () => {
    expect(osaDistance('123456789', '123546789')).toBe(1);
    expect(osaDistance('123456789', '123456780')).toBe(1);
    expect(osaDistance('123456789', '12345679')).toBe(1);
    expect(osaDistance('kitten', 'sitting')).toBe(3);
    expect(osaDistance('kitten', 'sitting', 1)).toBe(2);
  });

  it.each([
    ['123456789', '123456789', 'exact'],
    ['123456789', '123456780', 'edit1'],
    ['123456789', '213456789', 'edit1'],
    ['123456789', '123456700', 'edit2'],
    ['123456789', '987654321', 'different'],
  ])('%s ~ %s is %s', (a, b, level) => {
    expect(compareIdentifierValues(a, b)).toBe(level);
  });

  it('compares each scheme separately, the best of several values, missing where one side lacks the scheme', () => {
    const a = rec({ identifiers: ['nid:123456789', 'nid:555555555', 'passport:X1'] });
    const b = rec({ identifiers: ['nid:123456788', 'lei:ABC'] });
    expect(compareRecords(a, b).filter((r) => r.comparison.startsWith('identifier:'))).toEqual([
      { comparison: 'identifier:lei', level: 'missing' },
      { comparison: 'identifier:nid', level: 'edit1' },
      { comparison: 'identifier:passport', level: 'missing' },
    ]);
  });
});

describe('date comparison', () => {
  it.each([
    ['1980-03-07', '1980-03-07', 'exact'],
    ['1980-03-07', '1980-07-03', 'swap'],
    ['1980-03-07', '1980-03-08', 'digit'],
    ['1980-03-07', '1981-03-07', 'digit'],
    ['1980-03-07', '1980-11-21', 'year'],
    ['1980', '1980-03-07', 'year'],
    ['1980-03-07', '1975-03-07', 'different'],
    ['1975', '1980-03-07', 'different'],
  ])('%s ~ %s is %s', (a, b, level) => {
    expect(compareDates(a, b)).toBe(level);
  });

  it('does not call equal day and month a swap', () => {
    expect(compareDates('1980-03-03', '1981-03-03')).toBe('digit');
  });

  it('compares dates of one type only, missing where one side lacks it', () => {
    const a = rec({ dates: { birth: '1980-03-07' } });
    const b = rec({ dates: { birth: '1980-07-03', death: '2020-01-01' } });
    expect(levelOf(a, b, 'date:birth')).toBe('swap');
    expect(levelOf(a, b, 'date:death')).toBe('missing');
  });
});

describe('address comparison', () => {
  const home = { postcode: 'SW1A 1AA', city: 'London', address: '10 Downing Street' };

  it('reads flat or nested attributes and normalises postcodes and words', () => {
    expect(addressOf({ address: { zip: 'sw1a-1aa', town: 'LONDON', street: '10  Downing St.' } })).toEqual({
      postcode: 'SW1A1AA',
      locality: 'london',
      street: '10 downing st',
    });
  });

  it.each([
    [home, { ...home, postcode: 'sw1a1aa' }, 'exact'],
    [home, { ...home, address: 'Flat 2, 10 Downing Street' }, 'postcode'],
    [home, { ...home, postcode: 'SW1A 1AB', address: '10 Downing Stret' }, 'near'],
    [home, { postcode: 'M1 1AE', city: 'Manchester', address: '1 Piccadilly' }, 'different'],
    [home, { city: 'London' }, 'missing'],
  ])('%o ~ %o is %s', (a, b, level) => {
    expect(compareAddresses(addressOf(a), addressOf(b))).toBe(level);
  });
});

describe('level sets', () => {
  it('describe every level a comparison can return, and missing', () => {
    for (const [kind, levels] of Object.entries(levelSets)) {
      for (const { id } of levels) expect(describeLevel(kind, id)).toMatch(/\w/);
    }
    expect(describeLevel('identifier:nid', 'missing')).toContain('Bayes factor 1');
    expect(() => describeLevel('name', 'nope')).toThrow(/unknown level/);
  });
});

describe('an entity built from several records', () => {
  const home = { postcode: 'SW1A 1AA', city: 'London', address: '10 Downing Street' };
  const away = { postcode: 'M1 1AE', city: 'Manchester', address: '1 Piccadilly' };

  it('compares a date type on the best pair of all the values either side has seen', () => {
    const entity = rec({ dates: { birth: '1980-02-03' }, dateSets: { birth: ['1980-02-03', '1981-07-09'] } });
    expect(levelOf(rec({ dates: { birth: '1981-07-09' } }), entity, 'date:birth')).toBe('exact');
    expect(levelOf(rec({ dates: { birth: '1981-07-08' } }), entity, 'date:birth')).toBe('digit');
    expect(levelOf(rec({ dates: { birth: '1999-01-01' } }), entity, 'date:birth')).toBe('different');
    // A type only the entity has seen is still missing on the record's side.
    expect(levelOf(rec(), rec({ dateSets: { death: ['2001'] } }), 'date:death')).toBe('missing');
  });

  it('compares addresses on the best pair, a comparable pair before a missing one', () => {
    const entity = rec({ addresses: [addressOf(away), addressOf({ city: 'Leeds' }), addressOf(home)] });
    expect(levelOf(rec({ attributes: home }), entity, 'address')).toBe('exact');
    expect(levelOf(rec({ attributes: { postcode: 'B1 1AA' } }), entity, 'address')).toBe('different');
    expect(levelOf(rec({ attributes: {} }), entity, 'address')).toBe('missing');
  });
});
