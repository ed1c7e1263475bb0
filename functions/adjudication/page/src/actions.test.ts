import { describe, expect, it } from 'vitest';
import { type ActionDeps, decide, type RowOverride, summarise, undo } from './actions.js';
import { type EdgeClient, EdgeError, StepUpRequired } from './edge-client.js';
import { actionOf, rangeIds } from './shortcuts.js';

/** An edge client answering from a script (logic only: the browser tests use the real edge). */
function scripted(answers: ((vars: Record<string, unknown>, grant?: string) => unknown)[]) {
  const calls: { op: string; vars: Record<string, unknown>; grant?: string }[] = [];
  const client: EdgeClient = {
    async request(doc, variables, grant) {
      const op = (doc.definitions[0] as { name: { value: string } }).name.value;
      calls.push({ op, vars: variables as Record<string, unknown>, grant });
      const next = answers.shift();
      if (!next) throw new Error('unexpected call');
      return next(variables as Record<string, unknown>, grant) as never;
    },
  };
  return { client, calls };
}

function harness(client: EdgeClient) {
  let overrides = new Map<string, RowOverride>();
  const seen: Map<string, RowOverride>[] = [];
  let stepUps = 0;
  const deps: ActionDeps = {
    client,
    grant: () => null,
    setOverrides: (f) => {
      overrides = f(overrides);
      seen.push(overrides);
    },
    stepUp: async () => {
      stepUps++;
      return { token: 'g1', scopes: ['mutate:merge'], expiresAt: Date.now() + 60_000 };
    },
  };
  return { deps, overrides: () => overrides, seen, stepUps: () => stepUps };
}

const outcome = (id: string, code: string, status: string | null) => ({
  id,
  outcome: code,
  message: code === 'DONE' ? null : `${id} is held by bob`,
  review: status ? { status } : null,
});

describe('decisions with optimistic rows', () => {
  it('shows the rows decided at once, keeps what the origin did and rolls back the rest with a reason', async () => {
    const { client } = scripted([
      () => ({
        decideReviews: { outcomes: [outcome('rv-1', 'DONE', 'ACCEPTED'), outcome('rv-2', 'CONFLICT', 'OPEN')] },
      }),
    ]);
    const h = harness(client);

    const outcomes = await decide(h.deps, ['rv-1', 'rv-2'], 'ACCEPT', 'same');

    expect(h.seen[0]).toEqual(
      new Map([
        ['rv-1', { status: 'ACCEPTED', pending: true }],
        ['rv-2', { status: 'ACCEPTED', pending: true }],
      ]),
    );
    expect(h.overrides()).toEqual(new Map([['rv-1', { status: 'ACCEPTED', pending: false }]]));
    expect(summarise('Accepted', outcomes)).toEqual({
      text: 'Accepted 1 of 2. Not done, rolled back: rv-2: CONFLICT (rv-2 is held by bob).',
      failed: true,
    });
  });

  it('steps up once on STEP_UP_REQUIRED and retries with the grant', async () => {
    const challenge = {
      operation: 'DecideReviews',
      scopes: ['mutate:merge'],
      optionsUrl: '/o',
      registerUrl: '/r',
      maxAgeS: 300,
    };
    const { client, calls } = scripted([
      () => {
        throw new StepUpRequired(challenge, 'needs step-up');
      },
      () => ({ decideReviews: { outcomes: [outcome('rv-1', 'DONE', 'REJECTED')] } }),
    ]);
    const h = harness(client);

    const outcomes = await decide(h.deps, ['rv-1'], 'REJECT', 'different');

    expect(h.stepUps()).toBe(1);
    expect(calls.map((c) => c.grant)).toEqual([undefined, 'g1']);
    expect(summarise('Rejected', outcomes)).toEqual({ text: 'Rejected 1 candidate.', failed: false });
  });

  it('rolls every row back when the call fails as a whole', async () => {
    const { client } = scripted([
      () => {
        throw new EdgeError('RATE_LIMITED', 'slow down', 429);
      },
    ]);
    const h = harness(client);

    const outcomes = await decide(h.deps, ['rv-1', 'rv-2'], 'DEFER', 'later');

    expect(h.overrides().size).toBe(0);
    expect(outcomes.map((o) => o.outcome)).toEqual(['FAILED', 'FAILED']);
    expect(summarise('Deferred', outcomes).text).toBe(
      'Deferred 0 of 2. Not confirmed, shown as before until the queue refreshes (retrying is safe): ' +
        'rv-1: FAILED (slow down); rv-2: FAILED (slow down).',
    );
  });

  it('undoes id by id, putting back the previous status of one it could not undo', async () => {
    const { client } = scripted([
      () => ({ undoDecision: outcome('rv-1', 'DONE', 'OPEN') }),
      () => ({ undoDecision: outcome('rv-2', 'CONFLICT', 'ACCEPTED') }),
    ]);
    const h = harness(client);

    await undo(h.deps, ['rv-1', 'rv-2'], () => 'ACCEPTED');

    expect(h.overrides()).toEqual(
      new Map([
        ['rv-1', { status: 'OPEN', pending: false }],
        ['rv-2', { status: 'ACCEPTED', pending: false }],
      ]),
    );
  });
});

describe('shortcuts', () => {
  it('maps keys to actions, never with Ctrl, Alt or Meta', () => {
    const key = (k: string, mod = {}) => actionOf({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mod });

    expect(['j', 'k', 'a', 'r', 'd', 'x', 'X', 'u', '/', '?'].map((k) => key(k))).toEqual([
      'next',
      'previous',
      'accept',
      'reject',
      'defer',
      'toggleSelect',
      'rangeSelect',
      'undo',
      'search',
      'help',
    ]);
    expect(key('a', { ctrlKey: true })).toBeNull();
    expect(key('q')).toBeNull();
  });

  it('selects the range between the anchor and the current row, either way', () => {
    const ids = ['a', 'b', 'c', 'd'];

    expect(rangeIds(ids, 'b', 'd')).toEqual(['b', 'c', 'd']);
    expect(rangeIds(ids, 'd', 'a')).toEqual(['a', 'b', 'c', 'd']);
    expect(rangeIds(ids, null, 'c')).toEqual(['c']);
    expect(rangeIds(ids, 'gone', 'c')).toEqual(['c']);
  });
});
