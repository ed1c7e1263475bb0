import { describe, expect, it } from 'vitest';
import { notSentCase, PeerBudget } from './peer-budget.js';

describe('peer budget', () => {
  it('does not send a centre the peer has failed again', () => {
    // Prepare
    const budget = new PeerBudget();
    budget.record('a', true);
    budget.record('b', false);

    // Act
    const [a, b] = [budget.shouldSend('a'), budget.shouldSend('b')];

    // Assess
    expect([a, b]).toEqual([true, 'centre-failed-before']);
    expect(budget.summary()).toMatchObject({ answered: 1, failed: 1, givenUp: false });
    expect(budget.notSent).toEqual({ 'centre-failed-before': 1, 'hop-count-given-up': 0 });
  });

  it('gives a hop count up after three failures without as many answers', () => {
    // Prepare: the peer times out on every centre (3 hops).
    const budget = new PeerBudget();
    for (const id of ['a', 'b', 'c']) budget.record(id, false);

    // Act
    const next = budget.shouldSend('d');

    // Assess
    expect(next).toBe('hop-count-given-up');
    expect(budget.summary()).toMatchObject({ failed: 3, givenUp: true, notSent: { 'hop-count-given-up': 1 } });
  });

  it('keeps sending where the peer answers most centres, until it has failed ten', () => {
    // Prepare: 20 answers, then failures on distinct centres.
    const budget = new PeerBudget();
    for (let i = 0; i < 20; i++) budget.record(`ok${i}`, true);
    for (let i = 0; i < 9; i++) budget.record(`bad${i}`, false);
    const beforeTenth = budget.shouldSend('ok0');

    // Act
    budget.record('bad9', false);

    // Assess
    expect(beforeTenth).toBe(true);
    expect(budget.shouldSend('ok0')).toBe('hop-count-given-up');
  });
});

describe('a case not sent', () => {
  it('counts every request of an open model as failed at the timeout', () => {
    expect(notSentCase({ rate: 1, durationS: 20 }, 30_000)).toEqual({
      n: 20,
      rps: 0,
      p50_ms: 30_000,
      p95_ms: 30_000,
      p99_ms: 30_000,
      mean_ms: 30_000,
      errors: 20,
      notSent: 20,
    });
  });

  it('counts one request per worker per timeout in a closed loop', () => {
    expect(notSentCase({ rate: 0, workers: 8, durationS: 15 }, 30_000)).toMatchObject({ n: 8, errors: 8 });
    expect(notSentCase({ rate: 0, workers: 8, durationS: 15 }, 5_000)).toMatchObject({ n: 24, errors: 24 });
  });
});
