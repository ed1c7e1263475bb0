import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../local/paths.js';
import { approverWorld, budgetWith, runFreezeDrill } from './drill.js';
import { evaluateRelease, exitCodeOf, githubOutput } from './evaluate.js';
import { signOverride } from './override.js';
import { activeFreeze, loadReleaseRules, type ReleaseRules } from './windows.js';

const rules: ReleaseRules = {
  freezes: [
    { name: 'fri', reason: 'weekend', recurring: { days: ['Fri'], from: '14:00', to: '24:00' } },
    { name: 'year-end', reason: 'holidays', oneOff: { from: '2026-12-21T00:00:00Z', until: '2027-01-04T00:00:00Z' } },
  ],
  errorBudget: { slo: 'api', minRemaining: 0.5 },
};
const FRIDAY_LATE = new Date('2026-12-04T16:00:00Z');
const FRIDAY_EARLY = new Date('2026-12-04T13:59:00Z');
const HOLIDAY = new Date('2026-12-25T10:00:00Z');

describe('freeze windows', () => {
  it('finds recurring and one-off windows in UTC, with when they end', () => {
    expect(activeFreeze(rules, FRIDAY_LATE)?.window.name).toBe('fri');
    expect(activeFreeze(rules, FRIDAY_LATE)?.endsAt).toBe('2026-12-05T00:00:00.000Z');
    expect(activeFreeze(rules, FRIDAY_EARLY)).toBeUndefined();
    expect(activeFreeze(rules, HOLIDAY)?.window.name).toBe('year-end');
    expect(activeFreeze(rules, new Date('2027-01-04T00:00:00Z'))).toBeUndefined();
  });

  it('loads the committed release rules', () => {
    const committed = loadReleaseRules(join(repoRoot, 'infra', 'release', 'release-rules.json'));

    expect(committed.errorBudget.minRemaining).toBe(0.5);
  });
});

describe('release rules', () => {
  let world: Awaited<ReturnType<typeof approverWorld>> | undefined;
  afterEach(() => {
    world?.dispose();
    world = undefined;
  });
  const decide = async (now: Date, extra: { override?: unknown; remaining?: number } = {}) => {
    world ??= await approverWorld();
    return evaluateRelease({
      rules,
      now,
      releaseId: 'r1',
      budget: budgetWith(extra.remaining ?? 0.9),
      policy: world.policy(),
      override: extra.override,
      auditLog: join(world.root, 'audit.jsonl'),
    });
  };
  const signed = async (until: Date, release = 'r1') => {
    world ??= await approverWorld();
    return signOverride(
      { who: 'alice', why: 'hotfix for incident 42', until: until.toISOString(), release },
      world.approver,
    );
  };

  it('allows a deploy outside every window with budget left', async () => {
    const d = await decide(FRIDAY_EARLY);

    expect(d.allowed).toBe(true);
    expect(exitCodeOf(d)).toBe(0);
  });

  it('refuses inside a window, naming the window, its end and the unlock', async () => {
    const d = await decide(FRIDAY_LATE);

    expect(d.refusals.map((r) => r.rule)).toEqual(['FREEZE_WINDOW']);
    expect(d.refusals[0]?.reason).toContain('2026-12-05T00:00:00.000Z');
    expect(d.refusals[0]?.unlock).toContain('override');
    expect(exitCodeOf(d)).toBe(10);
  });

  it('accepts a valid signed override inside a window and audits it', async () => {
    const d = await decide(FRIDAY_LATE, { override: await signed(new Date('2026-12-04T18:00:00Z')) });

    expect(d.allowed).toBe(true);
    expect(d.override?.who).toBe('alice');
    const audit = readFileSync(join(world!.root, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit[0]!)).toMatchObject({ who: 'alice', freeze: 'fri', deployedRelease: 'r1' });
  });

  it('refuses an expired override', async () => {
    const d = await decide(FRIDAY_LATE, { override: await signed(new Date('2026-12-04T15:00:00Z')) });

    expect(d.refusals.map((r) => r.rule)).toEqual(['OVERRIDE_EXPIRED']);
  });

  it('refuses an unsigned override record', async () => {
    const plain = { who: 'mallory', why: 'trust me, it is fine', until: '2026-12-05T00:00:00Z', release: 'r1' };

    const d = await decide(FRIDAY_LATE, { override: plain });

    expect(d.refusals.map((r) => r.rule)).toEqual(['OVERRIDE_UNSIGNED']);
  });

  it('refuses an override whose signed record was edited', async () => {
    const bundle = (await signed(new Date('2026-12-04T18:00:00Z'))) as { dsseEnvelope: { payload: string } };
    const record = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify({ ...record, until: '2027-01-01T00:00:00Z' })).toString(
      'base64',
    );

    const d = await decide(FRIDAY_LATE, { override: bundle });

    expect(d.refusals.map((r) => r.rule)).toEqual(['OVERRIDE_SIGNATURE']);
  });

  it('refuses when less than half the error budget is left, even with an override', async () => {
    const below = await decide(FRIDAY_EARLY, { remaining: 0.4 });
    const above = await decide(FRIDAY_EARLY, { remaining: 0.6 });
    const frozen = await decide(FRIDAY_LATE, {
      remaining: 0.4,
      override: await signed(new Date('2026-12-04T18:00:00Z')),
    });

    expect(below.refusals.map((r) => r.rule)).toEqual(['ERROR_BUDGET']);
    expect(exitCodeOf(below)).toBe(11);
    expect(above.allowed).toBe(true);
    expect(frozen.refusals.map((r) => r.rule)).toEqual(['ERROR_BUDGET']);
  });

  it('writes $GITHUB_OUTPUT lines', async () => {
    const out = githubOutput(await decide(FRIDAY_LATE));

    expect(out).toContain('allowed=false\n');
    expect(out).toContain('freeze=fri\n');
    expect(out).toMatch(/reasons=FREEZE_WINDOW: /);
  });
});

describe('freeze drill', () => {
  it('passes every step: outside, inside, unsigned, expired, valid override, budget below half', async () => {
    const { steps, audit } = await runFreezeDrill(rules, { inside: FRIDAY_LATE, outside: FRIDAY_EARLY });

    expect(steps).toHaveLength(6);
    expect(steps.filter((s) => !s.pass)).toEqual([]);
    expect(audit).toHaveLength(1);
  });
});
