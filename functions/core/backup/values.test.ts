import fc from 'fast-check';
import neo4j, { Date as CypherDate, DateTime, Duration, Point } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { BackupFormatError } from './errors.js';
import { decodeValue, encodeValue } from './values.js';

const roundTrip = (v: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));

describe('backup values', () => {
  it('keeps integers apart from floats, and floats JSON cannot write', () => {
    expect(encodeValue(neo4j.int('9007199254740993'))).toEqual({ $int: '9007199254740993' });
    expect((roundTrip(neo4j.int('-9007199254740993')) as ReturnType<typeof neo4j.int>).toString()).toBe(
      '-9007199254740993',
    );
    expect(roundTrip(1.5)).toBe(1.5);
    expect(roundTrip(Number.NaN)).toBeNaN();
    expect(roundTrip(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('round-trips strings, booleans, lists and byte arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.boolean(), fc.double())), (list) => {
        const back = roundTrip(list) as unknown[];
        expect(back.length).toBe(list.length);
        for (const [i, v] of back.entries()) expect(Object.is(v, list[i])).toBe(true);
      }),
    );
    expect(roundTrip(new Int8Array([1, -2, 3]))).toEqual(new Int8Array([1, -2, 3]));
  });

  it('round-trips temporal and spatial values with every field', () => {
    const values = [
      new CypherDate(2026, 12, 5),
      new DateTime(2026, 12, 5, 17, 40, 1, 123456789, 3600),
      new DateTime(2026, 12, 5, 17, 40, 1, 5, undefined, 'Europe/Paris'),
      new Duration(1, 2, 3, 4),
      new Point(neo4j.int(4326), 1.5, 2.5),
      new Point(neo4j.int(9157), 1, 2, 3),
    ];
    for (const v of values) expect(String(roundTrip(v))).toBe(String(v));
  });

  it('refuses a value it cannot restore exactly', () => {
    expect(() => encodeValue({ some: 'map' })).toThrow(BackupFormatError);
    expect(() => decodeValue({ $unknown: 1 })).toThrow(BackupFormatError);
  });
});
