import { describe, expect, it } from 'vitest';
import { luceneNameQuery } from './lucene.js';

describe('luceneNameQuery', () => {
  it('builds Lucene queries from tokens only, escaping anything special', () => {
    expect(luceneNameQuery(['jurgen', 'mu'])).toBe('(jurgen^4 OR jurgen*^2 OR jurgen~1) (mu^4 OR mu*^2)');
    expect(luceneNameQuery(['a:b'])).toBe('(a\\:b^4 OR a\\:b*^2)');
  });
});
