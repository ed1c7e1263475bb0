import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTime } from './scalars.js';

describe('DateTime serialisation', () => {
  it('answers a stored timestamp exactly as Date#toISOString writes it', () => {
    // Prepare: timestamps from year 0 to 9999 (4-digit years, as the scalar accepts), leap days and the last millisecond of a year among them.
    const ms = [0, 951_782_400_000, 1_709_164_800_000, 4_102_444_799_999, -62_167_219_200_000];
    for (let i = 0; i < 2_000; i++) ms.push(i * 157_079_632_679 + i * 1_237 - 62_000_000_000_000);

    // Act
    const out = ms.map((m) => DateTime.serialize(new Date(m).toISOString()));

    // Assess
    expect(out).toEqual(ms.map((m) => new Date(m).toISOString()));
  });

  it('normalises other zones and forms to UTC with milliseconds', () => {
    expect(DateTime.serialize('2026-01-31T12:00:00+02:00')).toBe('2026-01-31T10:00:00.000Z');
    expect(DateTime.serialize('2026-01-31T12:00:00Z')).toBe('2026-01-31T12:00:00.000Z');
    expect(DateTime.serialize('2024-02-29T00:00:00.000Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('never answers a date that is not in the calendar as it came', () => {
    for (const bad of ['2026-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z']) {
      let out: unknown;
      try {
        out = DateTime.serialize(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(GraphQLError);
        continue;
      }
      expect(out).not.toBe(bad);
    }
  });
});
