/** The registered NLQ templates by name, so a cached grammar plan is only used while it is still the registered text. */
import { templatesIn } from '../graph/cypher/template.js';
import * as nlqPlans from './cypher.js';
import type { Plan } from './plan.js';

const byName = new Map(templatesIn(nlqPlans).map((t) => [t.name, t.cypher]));

/** True when `plan` is a grammar plan whose template is registered with exactly this text. */
export function registeredPlan(plan: Plan): boolean {
  return plan.tier === 'grammar' && plan.template !== undefined && byName.get(plan.template) === plan.cypher;
}
