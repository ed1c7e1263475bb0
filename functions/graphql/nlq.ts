/** The `nlq` resolver: the caller's tenant, subject, attributes and visible classes into the NLQ service; shapes the answer. */
import type { CallerAttributes } from '../core/policy/index.js';
import type { OriginContext } from './context.js';
import { clientError } from './errors.js';
import { shapeReport } from './export.js';
import { visibleClasses } from './visibility.js';

/** Resolves `Query.nlq`. */
export async function nlq(_: unknown, args: { question: string; purpose: string }, ctx: OriginContext) {
  if (!ctx.nlq) throw clientError('NLQ_UNAVAILABLE', 'natural-language queries are not enabled on this origin');
  const answer = await ctx.nlq.answer({
    tenant: ctx.tenant,
    actor: ctx.subject,
    question: args.question,
    purpose: args.purpose,
    caller: ctx.claims.attributes as CallerAttributes,
    dataClasses: visibleClasses(ctx),
  });
  const { resultSet: _internal, plan, report, ...shown } = answer;
  return {
    ...shown,
    plan: plan ? { ...plan, tier: plan.tier.toUpperCase() } : null,
    report: report ? shapeReport(report) : null,
  };
}
