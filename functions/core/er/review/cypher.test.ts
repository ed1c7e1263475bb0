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

  it('filters the queue page and its count identically, so the total counts what the pages hold', () => {
    const filterOf = (cypher: string) => cypher.slice(0, cypher.indexOf('AS sortKey'));
    expect(filterOf(review.reviewQueuePageCypher.cypher)).toBe(filterOf(review.reviewQueueCountCypher.cypher));
  });
});
