import { describe, expect, it } from 'vitest';
import { MissingReadingError, requireReadings } from './evidence.js';

describe('readings of a case', () => {
  it('returns the readings when every one was taken', () => {
    expect(requireReadings('lag', [0, 12.5, 40], 3)).toEqual([0, 12.5, 40]);
  });

  it('fails on a missing reading instead of recording it as zero', () => {
    expect(() => requireReadings('lag at 200/s', [10, undefined, 30], 3)).toThrow(MissingReadingError);
    expect(() => requireReadings('lag at 200/s', [10, Number.NaN], 2)).toThrow(/1 of 2 readings missing/);
  });

  it('fails when fewer readings came back than events were offered', () => {
    expect(() => requireReadings('lag at 200/s', [10, 20], 3)).toThrow(/2 readings, expected 3/);
  });
});
