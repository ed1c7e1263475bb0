import { describe, expect, it } from 'vitest';
import { isCanonicalUtc, isoUtc } from './utc.js';

/** Epoch ms from year 0 to past 9999: leap days, the last millisecond of years and days, and a spread in between. */
function instants(): number[] {
  const ms = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 1_709_164_800_000, 4_102_444_799_999];
  ms.push(253_402_300_799_999, 253_402_300_800_000, -1, -62_167_219_200_000, 8.64e15, -8.64e15);
  for (let i = 0; i < 5_000; i++) ms.push(i * 157_079_632_679 + i * 1_237 - 62_000_000_000_000);
  return ms;
}

describe('isoUtc', () => {
  it('writes every instant exactly as Date#toISOString does', () => {
    // Prepare
    const ms = instants();

    // Act
    const out = ms.map(isoUtc);

    // Assess
    expect(out).toEqual(ms.map((m) => new Date(m).toISOString()));
  });

  it('leaves what Date refuses to Date', () => {
    expect(() => isoUtc(Number.NaN)).toThrow(RangeError);
    expect(() => isoUtc(8.64e15 + 1)).toThrow(RangeError);
    expect(isoUtc(1.5)).toBe(new Date(1.5).toISOString());
  });
});

describe('isCanonicalUtc', () => {
  it('accepts what toISOString writes with a four-digit year', () => {
    const written = instants()
      .filter((m) => m >= -62_167_219_200_000 && m <= 253_402_300_799_999)
      .map((m) => new Date(m).toISOString());
    expect(written.filter((s) => !isCanonicalUtc(s))).toEqual([]);
  });

  it('refuses other forms, zones, out-of-range fields and dates not in the calendar', () => {
    const refused = [
      '2026-01-31T12:00:00Z',
      '2026-01-31T12:00:00.00Z',
      '2026-01-31T12:00:00.000+00:00',
      '2026-01-31 12:00:00.000Z',
      '2026-01-31T24:00:00.000Z',
      '2026-01-31T23:60:00.000Z',
      '2026-01-31T23:59:60.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-1a-01T00:00:00.000Z',
      '2026-01-01T00:00:00.0a0Z',
      '+02026-01-01T00:00:00.000Z',
      '',
    ];
    expect(refused.filter(isCanonicalUtc)).toEqual([]);
    expect(isCanonicalUtc('2024-02-29T23:59:59.999Z')).toBe(true);
    expect(isCanonicalUtc('2000-02-29T00:00:00.000Z')).toBe(true);
  });
});
