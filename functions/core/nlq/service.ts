/**
 * The NLQ service: question → intent (grammar, else the model tier) → plan (cache by intent signature, else translate)
 * → guard → READ execution → policy export → answer. Refusals are answers with a stable code and a message a person
 * can act on; only bad input (INVALID_INPUT) and our own failures throw.
 */
import type { AuditLedger } from '../audit/types.js';
import { ExportAuditUnavailableError } from '../export/errors.js';
import { type ExportOutcome, runExport } from '../export/pipeline.js';
import type { DataClass } from '../graph/types.js';
import { type CallerAttributes, type PolicyEngine, PolicyError } from '../policy/index.js';
import { NlqInputError, type Refusal } from './errors.js';
import type { PlanExecutor } from './executor.js';
import { parseQuestion } from './grammar.js';
import { type GuardedPlan, type GuardVerdict, guardPlan } from './guard.js';
import { type Intent, signature, slots } from './intent.js';
import type { ModelTier } from './model/tier.js';
import { type BindContext, bindPlan, boundParams, maxNlqRows, type Plan, planFor } from './plan.js';
import type { PlanCache } from './plan-cache.js';
import { type ResultSet, readRows, releaseCount } from './results.js';
import { type NlqMetrics, stage } from './telemetry.js';
import { registeredPlan } from './templates.js';

export interface NlqRequest {
  tenant: string;
  /** The caller's subject (actor of every ledger entry). */
  actor: string;
  question: string;
  purpose: string;
  caller: CallerAttributes;
  /** Data classes the caller may see (from the scope policy). */
  dataClasses: readonly DataClass[];
  now?: Date;
}

/** The plan that ran, for transparency: text and parameters (the tenant and scope included). */
export interface ShownPlan {
  cypher: string;
  parameters: Record<string, unknown>;
  signature: string;
  tier: Plan['tier'];
}

export interface NlqAnswer {
  question: string;
  rows: Record<string, unknown>[];
  plan: ShownPlan | null;
  fromCache: boolean;
  explanation: string;
  refusal: Refusal | null;
  report: ExportOutcome['report'] | null;
  /** The plan's result before policy (ids, a count, a path length): for evaluation and logs, never sent to clients. */
  resultSet: ResultSet | null;
}

export interface NlqDeps {
  executor: PlanExecutor;
  cache: PlanCache;
  schemaVersion: string;
  engine: PolicyEngine;
  ledger: AuditLedger | undefined;
  metrics: NlqMetrics;
  /** Absent: questions the grammar cannot read are refused as NOT_UNDERSTOOD (the local default). */
  model?: ModelTier;
  timeoutMs?: number;
  maxRows?: number;
}

export const maxQuestionChars = 500;
const purposePattern = /^[a-z][a-z0-9_-]{0,63}$/;

/** Guard verdicts by plan text: the guard is a pure function of the text and its limits, and parsing is costly. */
const verdicts = new Map<string, GuardVerdict>();
const maxRemembered = 512;

function guardOnce(plan: Plan, params: readonly string[], maxRows: number): GuardVerdict {
  const key = `${plan.maxHops}|${maxRows}|${[...params].sort().join(',')}|${plan.cypher}`;
  const known = verdicts.get(key);
  if (known) return known;
  const verdict = guardPlan(plan.cypher, { params, maxRows });
  if (verdicts.size >= maxRemembered) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(key, verdict);
  return verdict;
}

function validate(req: NlqRequest): void {
  const q = req.question.trim();
  if (q.length === 0) throw new NlqInputError('question must not be empty');
  if (q.length > maxQuestionChars) throw new NlqInputError(`question must be at most ${maxQuestionChars} characters`);
  if (!purposePattern.test(req.purpose))
    throw new NlqInputError(
      'purpose must be a policy purpose name: lowercase letters, digits, _ and - (e.g. investigation)',
    );
}

const refused = (question: string, refusal: Refusal, plan: ShownPlan | null = null, fromCache = false): NlqAnswer => ({
  question,
  rows: [],
  plan,
  fromCache,
  explanation: refusal.message,
  refusal,
  report: null,
  resultSet: null,
});

/** What a question becomes before planning: an intent, a model-written plan with its slot values, or a refusal. */
type Translation = { intent: Intent } | { plan: Plan; slotValues: Record<string, unknown> } | { refusal: Refusal };

/** Creates the service. */
export function createNlqService(deps: NlqDeps) {
  const timeoutMs = deps.timeoutMs ?? 1500;
  const maxRows = Math.min(deps.maxRows ?? maxNlqRows, maxNlqRows);

  async function translate(req: NlqRequest): Promise<Translation> {
    const parsed = await stage('parse', { 'graphgate.tenant': req.tenant }, async () => parseQuestion(req.question));
    if (parsed.ok) return { intent: parsed.intent };
    if (parsed.miss.refuse || !deps.model) return { refusal: parsed.miss };
    const model = deps.model;
    return stage('translate', { 'graphgate.tenant': req.tenant, 'graphgate.tier': 'model' }, () =>
      model.translate(req.tenant, req.question),
    );
  }

  /** A cached plan for the signature, or a new one (checked with EXPLAIN once, then cached). */
  async function planOf(
    req: NlqRequest,
    sig: string,
    make: () => Promise<Plan>,
    bind: BindContext,
    slotValues: Record<string, unknown>,
  ): Promise<{ plan: Plan; fromCache: boolean } | { refusal: Refusal }> {
    const cached = await stage('cache', { 'graphgate.tenant': req.tenant }, () =>
      deps.cache.get(req.tenant, deps.schemaVersion, sig),
    );
    // A grammar plan must still be the registered template of its name (a store is never trusted with Cypher).
    const usable = cached && (cached.tier === 'model' || registeredPlan(cached));
    deps.metrics.planCache(Boolean(usable));
    if (usable) return { plan: cached, fromCache: true };
    const plan = await make();
    const verdict = guardOnce(plan, [...plan.slotNames, ...boundParams], maxRows);
    if (!verdict.ok) return { refusal: verdict.refusal };
    const explained = await deps.executor.explain(verdict.plan, bindPlan(plan, slotValues, bind));
    if (!explained.readOnly)
      return {
        refusal: { code: 'PLAN_REJECTED', message: `Neo4j does not see the plan as read-only (${explained.reason})` },
      };
    await deps.cache.put(req.tenant, deps.schemaVersion, plan);
    return { plan, fromCache: false };
  }

  async function exportRows(req: NlqRequest, plan: Plan, rows: Record<string, unknown>[]) {
    if (!deps.ledger) throw new ExportAuditUnavailableError();
    const ledger = deps.ledger;
    const { entities, result } = readRows(plan.shape, rows);
    return stage('export', { 'graphgate.tenant': req.tenant }, async () => {
      if (result.shape === 'count') {
        const decision = await releaseCount(
          { engine: deps.engine, ledger },
          { ...req, signature: plan.signature },
          result.value,
        );
        if (!decision.allow)
          return {
            result,
            refusal: { code: 'POLICY_DENIED' as const, message: `the count is withheld: ${decision.message}` },
          };
        return { result, rows: [{ count: result.value }], report: null };
      }
      try {
        const outcome = await runExport(
          { engine: deps.engine, ledger },
          {
            tenant: req.tenant,
            actor: req.actor,
            caller: req.caller,
            purpose: req.purpose,
            audience: 'internal',
            kind: 'nlq',
            onDeny: 'drop',
          },
          entities,
          req.now,
        );
        const rowsOut = result.shape === 'path' ? [{ hops: result.hops, entities: outcome.rows }] : outcome.rows;
        return { result, rows: rowsOut, report: outcome.report };
      } catch (error) {
        if (error instanceof PolicyError && error.code === 'POLICY_DENIED')
          return { result, refusal: { code: 'POLICY_DENIED' as const, message: error.message } };
        throw error;
      }
    });
  }

  async function answerOf(req: NlqRequest): Promise<NlqAnswer> {
    const now = req.now ?? new Date();
    const bind: BindContext = { tenant: req.tenant, dataClasses: req.dataClasses, now, limit: maxRows };
    const t = await translate(req);
    if ('refusal' in t) return refused(req.question, t.refusal);
    const sig = 'intent' in t ? signature(t.intent) : t.plan.signature;
    const slotValues = 'intent' in t ? slots(t.intent) : t.slotValues;
    // A grammar intent is translated into its plan only on a cache miss (a model's plan was written in translate()).
    const make = async () =>
      'intent' in t
        ? stage('translate', { 'graphgate.tenant': req.tenant, 'graphgate.tier': 'grammar' }, async () =>
            planFor(t.intent),
          )
        : t.plan;
    const planned = await planOf(req, sig, make, bind, slotValues);
    if ('refusal' in planned) return refused(req.question, planned.refusal);
    const { plan, fromCache } = planned;
    const params = bindPlan(plan, slotValues, bind);
    const shown: ShownPlan = { cypher: plan.cypher, parameters: params, signature: plan.signature, tier: plan.tier };
    // Every plan is guarded before it runs, cached or not, grammar or model.
    const verdict = await stage('guard', { 'graphgate.signature': sig }, async () =>
      guardOnce(plan, [...plan.slotNames, ...boundParams], maxRows),
    );
    if (!verdict.ok) return refused(req.question, verdict.refusal, shown, fromCache);
    const rows = await execute(req, plan, verdict.plan, params);
    if ('refusal' in rows) return refused(req.question, rows.refusal, shown, fromCache);
    if (plan.tier === 'model' && !rows.every((r) => typeof r.entity === 'object' && r.entity !== null))
      return refused(
        req.question,
        { code: 'PLAN_REJECTED', message: 'a model plan must return entities as `entity`' },
        shown,
      );
    const out = await exportRows(req, plan, rows);
    if ('refusal' in out && out.refusal)
      return { ...refused(req.question, out.refusal, shown, fromCache), resultSet: out.result };
    const o = out as { rows: Record<string, unknown>[]; report: ExportOutcome['report'] | null; result: ResultSet };
    return {
      question: req.question,
      rows: o.rows,
      plan: shown,
      fromCache,
      explanation: explain(plan, o.result, o.report),
      refusal: null,
      report: o.report,
      resultSet: o.result,
    };
  }

  async function execute(req: NlqRequest, plan: Plan, guarded: GuardedPlan, params: Record<string, unknown>) {
    return stage(
      'execute',
      { 'graphgate.tenant': req.tenant, 'graphgate.plan': plan.template ?? 'model' },
      async () => {
        const started = performance.now();
        try {
          return await deps.executor.run(guarded, params, { timeoutMs, maxRows });
        } catch (error) {
          // The transaction timeout is the bound doing its job: the caller can narrow the question.
          if (!String((error as { code?: unknown }).code).includes('TransactionTimedOut')) throw error;
          const message = `the question took longer than ${timeoutMs} ms to answer; narrow it (fewer hops, a relationship type or a kind)`;
          return { refusal: { code: 'TIMED_OUT' as const, message } };
        } finally {
          deps.metrics.cypherDuration(performance.now() - started, plan.template ?? 'model');
        }
      },
    );
  }

  return {
    /**
     * Answers one question.
     * @example await nlq.answer({ tenant, actor, question: 'who does Olga Chen know', purpose: 'investigation', … })
     */
    async answer(req: NlqRequest): Promise<NlqAnswer> {
      validate(req);
      const started = performance.now();
      try {
        const answer = await answerOf(req);
        deps.metrics.nlqDuration(performance.now() - started, answer.refusal ? 'refused' : 'answered');
        if (answer.refusal) deps.metrics.nlqError(answer.refusal.code);
        return answer;
      } catch (error) {
        deps.metrics.nlqDuration(performance.now() - started, 'error');
        deps.metrics.nlqError((error as { code?: string }).code ?? 'INTERNAL');
        throw error;
      }
    },
  };
}

export type NlqService = ReturnType<typeof createNlqService>;

function explain(plan: Plan, result: ResultSet, report: ExportOutcome['report'] | null): string {
  const source = plan.tier === 'grammar' ? `grammar plan ${plan.template}` : 'model-written plan';
  if (result.shape === 'count') return `${source}: counted ${result.value}`;
  if (result.shape === 'path')
    return result.hops === null
      ? `${source}: no path within ${plan.maxHops} hops`
      : `${source}: a path of ${result.hops} hops`;
  const dropped = report ? report.refused.length : 0;
  return `${source}: ${result.ids.length} entities matched, ${report?.recordsOut ?? 0} released by policy${dropped ? ` (${dropped} refused)` : ''}; NLQ answers carry no direct identifiers (id, names)`;
}
