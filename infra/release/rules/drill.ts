/**
 * The freeze drill: a dry run of the release rules on a throwaway key store, through every path a real freeze takes —
 * outside a window, inside without an override, unsigned / expired / valid overrides, and an error budget below half.
 * Each step records when it ran, what was decided and why; nothing is deployed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, openLocalKeys, writeSignedPolicy } from '../keystore.js';
import { FileKeySigner } from '../signer.js';
import { loadTrustPolicy, type TrustPolicy } from '../trust-policy.js';
import type { BudgetReading } from './budget.js';
import { evaluateRelease, exitCodeOf } from './evaluate.js';
import { type FreezeOverride, signOverride } from './override.js';
import type { ReleaseRules } from './windows.js';

export interface DrillStep {
  readonly at: string;
  readonly step: string;
  readonly simulatedTime: string;
  readonly expected: 'allowed' | string;
  readonly allowed: boolean;
  readonly rules: string[];
  readonly exitCode: number;
  readonly pass: boolean;
}

/** An approver store for the drill: a policy-signed approver key in a temp dir. */
export async function approverWorld(): Promise<{
  root: string;
  policy: () => TrustPolicy;
  approver: FileKeySigner;
  dispose: () => void;
}> {
  const root = mkdtempSync(join(tmpdir(), 'graphgate-freeze-'));
  const keys = await openLocalKeys('drill/graphgate', join(root, 'keys'));
  const key = generateKey((id) => join(root, `approver-${id.slice(0, 8)}.pem`));
  const approver = new FileKeySigner(join(root, `approver-${key.keyId.slice(0, 8)}.pem`));
  const policy = () =>
    loadTrustPolicy({
      bundle: keys.paths.policyBundle,
      plain: keys.paths.policy,
      rootPublicKeyPem: keys.rootPublicKeyPem,
    });
  const now = new Date();
  await writeSignedPolicy(
    keys.paths,
    {
      ...policy(),
      serial: 2,
      approvers: [
        {
          keyId: key.keyId,
          publicKeyPem: key.publicKeyPem,
          label: 'drill approver',
          validFrom: new Date(now.getTime() - 86_400_000).toISOString(),
          validUntil: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
        },
      ],
    },
    keys.root,
  );
  return { root, policy, approver, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A budget reading with `remaining` of a 0.1% budget left over one million requests. */
export function budgetWith(remaining: number, month = '2026-12'): BudgetReading {
  const requests = 1_000_000;
  return { slo: 'api', month, objective: 0.999, requests, errors: Math.round((1 - remaining) * requests * 0.001) };
}

/** Runs the drill against `rules`, inside `inside` (a time in a freeze window) and outside `outside`. */
export async function runFreezeDrill(
  rules: ReleaseRules,
  times: { inside: Date; outside: Date },
): Promise<{
  steps: DrillStep[];
  audit: string[];
}> {
  const world = await approverWorld();
  const auditLog = join(world.root, 'override-audit.jsonl');
  const releaseId = 'drill-release';
  const healthy = budgetWith(0.8);
  const record = (until: Date): FreezeOverride => ({
    who: 'drill approver',
    why: 'freeze drill: rehearsing the override path',
    until: until.toISOString(),
    release: releaseId,
  });
  const cases: {
    step: string;
    now: Date;
    expected: string;
    budget?: BudgetReading;
    override?: () => Promise<unknown>;
  }[] = [
    { step: 'outside any window, healthy budget', now: times.outside, expected: 'allowed' },
    { step: 'inside a freeze window, no override', now: times.inside, expected: 'FREEZE_WINDOW' },
    {
      step: 'inside, override not signed',
      now: times.inside,
      expected: 'OVERRIDE_UNSIGNED',
      override: async () => record(new Date(times.inside.getTime() + 3_600_000)),
    },
    {
      step: 'inside, signed override expired',
      now: times.inside,
      expected: 'OVERRIDE_EXPIRED',
      override: () => signOverride(record(new Date(times.inside.getTime() - 60_000)), world.approver),
    },
    {
      step: 'inside, valid signed override (audited)',
      now: times.inside,
      expected: 'allowed',
      override: () => signOverride(record(new Date(times.inside.getTime() + 3_600_000)), world.approver),
    },
    { step: 'outside, error budget below half', now: times.outside, expected: 'ERROR_BUDGET', budget: budgetWith(0.4) },
  ];
  const steps: DrillStep[] = [];
  try {
    for (const c of cases) {
      const decision = evaluateRelease({
        rules,
        now: c.now,
        releaseId,
        budget: c.budget ?? healthy,
        policy: world.policy(),
        override: c.override ? await c.override() : undefined,
        auditLog,
      });
      const rulesHit = decision.refusals.map((r) => r.rule);
      const got = decision.allowed ? 'allowed' : rulesHit.join(',');
      steps.push({
        at: new Date().toISOString(),
        step: c.step,
        simulatedTime: c.now.toISOString(),
        expected: c.expected,
        allowed: decision.allowed,
        rules: rulesHit,
        exitCode: exitCodeOf(decision),
        pass: got === c.expected,
      });
    }
    let audit: string[] = [];
    try {
      audit = readFileSync(auditLog, 'utf8').trim().split('\n');
    } catch {
      audit = [];
    }
    return { steps, audit };
  } finally {
    world.dispose();
  }
}
