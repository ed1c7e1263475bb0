/**
 * The model tier's port as the NLQ service sees it: a question the grammar could not read goes in; an intent, a
 * model-written plan with its slot values, or a refusal comes out.
 */
import type { Refusal } from '../errors.js';
import type { Intent } from '../intent.js';
import type { Plan } from '../plan.js';

export type ModelTranslation =
  | { intent: Intent }
  | { plan: Plan; slotValues: Record<string, unknown> }
  | { refusal: Refusal };

export interface ModelTier {
  translate(tenant: string, question: string): Promise<ModelTranslation>;
}
