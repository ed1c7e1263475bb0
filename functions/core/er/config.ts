/**
 * ER configuration of a deployment: how many blocking candidates each event scores and which kinds it resolves. How
 * a pair is scored and where the bands lie is the tenant's match model (model/, stored per tenant by model-store.ts),
 * and every decision records the model version it used.
 */
import { z } from 'zod';
import { entityKinds } from '../graph/types.js';

export const bands = ['HIGH', 'MID', 'LOW'] as const;
/** HIGH merges automatically, MID asks a person (review candidate), LOW creates a new entity. */
export type Band = (typeof bands)[number];

export const erConfigSchema = z
  .object({
    /** Blocking candidates scored per event (the best-ranked by the full-text index). */
    candidateLimit: z.int().min(1).max(200),
    /** Kinds the consumer resolves; events of other kinds fail with KIND_NOT_ENABLED and wait in the DLQ. */
    enabledKinds: z.array(z.enum(entityKinds)).min(1),
  })
  .readonly();

export type ErConfig = z.output<typeof erConfigSchema>;

/**
 * Defaults. 50 candidates: blocking ORs many keys (name tokens, phonetic codes, dates, postcodes, identifier halves),
 * and a common surname alone can rank dozens of others above the one entity that matches on everything else.
 */
export const defaultErConfig: ErConfig = erConfigSchema.parse({
  candidateLimit: 50,
  enabledKinds: [...entityKinds],
});
