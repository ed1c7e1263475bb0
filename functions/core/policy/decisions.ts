/**
 * The decision contract: every entrypoint returns `{allow, reasons}` plus its own fields; the engine
 * adds `decision_id`, `entrypoint` and the bundle `revision`. Schemas validate what the wasm returns.
 */
import { z } from 'zod';
import type { Entrypoint } from './entrypoints.js';

/** One explain entry: the rule that decided, a sentence a person can read, what would unlock it. */
export const reasonSchema = z.object({
  rule: z.string().min(1),
  message: z.string().min(1),
  unlock: z.string().min(1).nullable(),
});
export type Reason = z.infer<typeof reasonSchema>;

const base = {
  allow: z.boolean(),
  reasons: z.array(reasonSchema).min(1),
};

const redactionSchema = z.object({ field: z.string(), class: z.string(), rule: z.string(), message: z.string() });

const ladderStepSchema = z.union([
  z.object({ range: z.number().positive() }),
  z.object({ prefix: z.number().int().nonnegative() }),
  z.object({ date: z.enum(['month', 'year', 'decade']) }),
  z.object({ keep: z.literal(true) }),
  z.object({ mask: z.literal(true) }),
]);
/** One step of a quasi-identifier's generalisation ladder. */
export type LadderStep = z.infer<typeof ladderStepSchema>;

/** Per-entrypoint schema of the raw policy result. */
export const decisionSchemas = {
  'graphgate/scope/decision': z.object({ ...base, classes: z.array(z.string()), purposes: z.array(z.string()) }),
  'graphgate/retention/decision': z.object({
    ...base,
    tier: z.string(),
    held: z.boolean(),
    expires_at_ms: z.number().nullable(),
  }),
  'graphgate/purpose/decision': z.object(base),
  'graphgate/licence/decision': z.object({ ...base, licence: z.string().nullable() }),
  'graphgate/export/decision': z.object({ ...base, redact: z.array(z.string()), redactions: z.array(redactionSchema) }),
  'graphgate/kanon/plan': z.object({
    ...base,
    required: z.boolean(),
    k: z.number().int().positive(),
    max_suppression_ratio: z.number().min(0).max(1),
    quasi_identifiers: z.array(z.object({ field: z.string(), ladder: z.array(ladderStepSchema) })),
  }),
  'graphgate/kanon/decision': z.object({
    ...base,
    k: z.number().int().positive(),
    small_groups: z.array(z.string()),
    suppressed_rows: z.number().int().nonnegative(),
  }),
  'graphgate/stepup/decision': z.object({
    ...base,
    exemption: z.string().nullable(),
    audit: z.boolean(),
    /** The stage/tenant setting in force (policy data `config.stepup.enforcement`). */
    enforcement: z.enum(['enforce', 'monitor', 'exempt']),
  }),
  'graphgate/write/decision': z.object({ ...base, lowering: z.boolean() }),
} as const satisfies Record<Entrypoint, z.ZodType>;

/** What the engine adds to every decision. */
export interface DecisionMeta {
  decision_id: string;
  entrypoint: Entrypoint;
  revision: string;
}

/** The typed decision of one entrypoint. */
export type DecisionOf<E extends Entrypoint> = z.infer<(typeof decisionSchemas)[E]> & DecisionMeta;

/** Any decision, for code that only reads the common envelope. */
export type AnyDecision = { allow: boolean; reasons: Reason[] } & DecisionMeta;

/**
 * Validates a raw policy result against its entrypoint's schema and the deny contract
 * (every reason of a deny names what would unlock it). Returns an error string or the parsed value.
 */
export function parseDecision<E extends Entrypoint>(
  entrypoint: E,
  raw: unknown,
): { ok: true; value: z.infer<(typeof decisionSchemas)[E]> } | { ok: false; issues: string } {
  const parsed = decisionSchemas[entrypoint].safeParse(raw);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  const value = parsed.data as { allow: boolean; reasons: Reason[] };
  if (!value.allow && value.reasons.some((r) => r.unlock === null)) {
    return { ok: false, issues: 'a deny reason has no unlock' };
  }
  return { ok: true, value: parsed.data as z.infer<(typeof decisionSchemas)[E]> };
}
