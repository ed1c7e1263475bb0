import { describe, expect, it } from 'vitest';
import * as review from './cypher.js';

describe('review queue cypher templates', () => {
  it('keeps the templates and schema statements stable', () => {
    const texts = Object.fromEntries(
      Object.entries(review).map(([name, v]) => [
        name,
        Array.isArray(v) ? v.map((t: { cypher: string }) => t.cypher) : (v as { cypher: string }).cypher,
      ]),
    );
    expect(texts).toMatchSnapshot();
  });

  it('filters every order of the queue page and its count identically, so the total counts what the pages hold', () => {
    const count = review.reviewQueueCountCypher.cypher;
    const between = (from: string, to: string) => count.slice(count.indexOf(from), count.indexOf(to));
    const candidates = between('\n  WHERE r.score', '\n  RETURN r');
    const entities = between('a IS NOT NULL', ' THEN 1 END');
    expect(candidates).toContain('r.score >= $minScore');
    expect(entities).toContain('$dataClasses');
    for (const page of Object.values(review.reviewQueuePageCypher)) {
      expect(page.cypher).toContain(candidates);
      expect(page.cypher).toContain(entities);
    }
  });
});
