/**
 * The release rules as one decision: a deploy is allowed unless it falls in a freeze window without a valid signed
 * override, or less than `minRemaining` of the month's API error budget is left (an override does not cover a spent
 * budget: reliability work comes first). Every refusal names its rule, a reason and what would unlock it; a used
 * override is appended to the audit log.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrustPolicy } from '../trust-policy.js';
import { type BudgetReading, remainingBudget } from './budget.js';
import { checkOverride, type FreezeOverride } from './override.js';
import { activeFreeze, type ReleaseRules } from './windows.js';

export type RuleCode =
  | 'FREEZE_WINDOW'
  | 'ERROR_BUDGET'
  | 'OVERRIDE_UNSIGNED'
  | 'OVERRIDE_SIGNATURE'
  | 'OVERRIDE_UNKNOWN_APPROVER'
  | 'OVERRIDE_EXPIRED';

export interface Refusal {
  readonly rule: RuleCode;
  readonly reason: string;
  readonly unlock: string;
}

export interface ReleaseDecision {
  readonly allowed: boolean;
  readonly at: string;
  readonly refusals: Refusal[];
  readonly freeze?: string;
  readonly override?: FreezeOverride;
  readonly budgetRemaining: number;
}

/** Exit codes of `npm run release:rules`: 0 allowed, 10 freeze (incl. a bad override), 11 error budget. */
export const RULES_EXIT = { allowed: 0, freeze: 10, budget: 11 } as const;

export interface EvaluateInput {
  readonly rules: ReleaseRules;
  readonly now: Date;
  readonly releaseId: string;
  readonly budget: BudgetReading;
  readonly policy: TrustPolicy;
  /** Content of the override file, if one was given. */
  readonly override?: unknown;
  /** JSONL file every used override is appended to. */
  readonly auditLog: string;
}

/** Decides whether `releaseId` may deploy at `now`. */
export function evaluateRelease(input: EvaluateInput): ReleaseDecision {
  const refusals: Refusal[] = [];
  const freeze = activeFreeze(input.rules, input.now);
  let used: FreezeOverride | undefined;
  if (freeze) {
    const checked =
      input.override === undefined
        ? undefined
        : checkOverride(input.override, input.policy, input.now, input.releaseId);
    if (checked?.ok) {
      used = checked.record;
      mkdirSync(dirname(input.auditLog), { recursive: true });
      appendFileSync(
        input.auditLog,
        `${JSON.stringify({ ...checked.record, at: input.now.toISOString(), deployedRelease: input.releaseId, freeze: freeze.window.name, approver: checked.approverKeyId })}\n`,
      );
    } else if (checked) {
      refusals.push({ rule: checked.code, reason: checked.message, unlock: 'a valid override signed by an approver' });
    } else {
      refusals.push({
        rule: 'FREEZE_WINDOW',
        reason: `inside freeze window "${freeze.window.name}" (${freeze.window.reason}) until ${freeze.endsAt}`,
        unlock: `deploy after ${freeze.endsAt}, or with an override signed by an approver (who, why, until)`,
      });
    }
  }
  const remaining = remainingBudget(input.budget);
  if (remaining < input.rules.errorBudget.minRemaining) {
    refusals.push({
      rule: 'ERROR_BUDGET',
      reason: `${(remaining * 100).toFixed(1)}% of the ${input.budget.month} ${input.budget.slo} error budget is left; deploys need ≥ ${input.rules.errorBudget.minRemaining * 100}%`,
      unlock: 'ship reliability fixes through the incident process, or wait for the budget to recover next month',
    });
  }
  return {
    allowed: refusals.length === 0,
    at: input.now.toISOString(),
    refusals,
    freeze: freeze?.window.name,
    override: used,
    budgetRemaining: remaining,
  };
}

/** The exit code of a decision (the error budget wins when both refuse: no override can unlock it). */
export function exitCodeOf(d: ReleaseDecision): number {
  if (d.allowed) return RULES_EXIT.allowed;
  return d.refusals.some((r) => r.rule === 'ERROR_BUDGET') ? RULES_EXIT.budget : RULES_EXIT.freeze;
}

/** `$GITHUB_OUTPUT` lines of a decision. */
export function githubOutput(d: ReleaseDecision): string {
  const reasons = d.refusals.map((r) => `${r.rule}: ${r.reason}`).join(' | ');
  return [
    `allowed=${d.allowed}`,
    `freeze=${d.freeze ?? ''}`,
    `budget_remaining=${d.budgetRemaining.toFixed(4)}`,
    `override_by=${d.override?.who ?? ''}`,
    `reasons=${reasons.replace(/\n/g, ' ')}`,
    '',
  ].join('\n');
}
