import { describe, expect, it } from 'vitest';
import { nameTokens } from './name-tokens.js';

describe('nameTokens', () => {
  it('folds diacritics, case and punctuation into de-duplicated tokens', () => {
    expect(nameTokens(['Jürgen Müller', 'MÜLLER, J.', 'Weiß-Øster'])).toEqual([
      'jurgen',
      'muller',
      'j',
      'weiss',
      'oster',
    ]);
  });

  it('keeps non-Latin letters and digits', () => {
    expect(nameTokens(['Сергей Иванов 2'])).toEqual(['сергеи', 'иванов', '2']);
  });
});
