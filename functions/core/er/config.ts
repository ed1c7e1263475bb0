/**
 * ER configuration: feature weights and band thresholds in one typed object, so a change of policy is a reviewed edit
 * here (or an override at start) and every decision records the config version it used.
 */
import { z } from 'zod';
import { entityKinds } from '../graph/types.js';

export const bands = ['HIGH', 'MID', 'LOW'] as const;
/** HIGH merges automatically, MID asks a person (review candidate), LOW creates a new entity. */
export type Band = (typeof bands)[number];

export const erConfigSchema = z
  .object({
    /** Bumped whenever weights or thresholds change; stored with each decision. */
    version: z.string().min(1),
    weights: z.object({
      /** Best name similarity (0..1) times this. */
      name: z.number().min(0).max(1),
      /** Added once when any normalised identifier is shared. */
      identifierMatch: z.number().min(0).max(1),
      /** Subtracted when both carry the same scheme with different values (and share none). */
      identifierConflict: z.number().min(0).max(1),
      /** Added per date type on which both agree (scaled by precision), capped at one full weight. */
      dateMatch: z.number().min(0).max(1),
      /** Subtracted when a date of the same type disagrees. */
      dateConflict: z.number().min(0).max(1),
    }),
    thresholds: z
      .object({ high: z.number().min(0).max(1), mid: z.number().min(0).max(1) })
      .refine((t) => t.mid < t.high, 'mid must be below high'),
    /** Blocking candidates scored per event (the best-ranked by the full-text index). */
    candidateLimit: z.int().min(1).max(200),
    /** Kinds the consumer resolves; events of other kinds fail with KIND_NOT_ENABLED and wait in the DLQ. */
    enabledKinds: z.array(z.enum(entityKinds)).min(1),
  })
  .readonly();

export type ErConfig = z.output<typeof erConfigSchema>;

/** Defaults: a shared identifier plus a matching name is HIGH; a matching name alone is MID; else LOW. */
export const defaultErConfig: ErConfig = erConfigSchema.parse({
  version: 'er-2026-11-1',
  weights: { name: 0.6, identifierMatch: 0.35, identifierConflict: 0.3, dateMatch: 0.15, dateConflict: 0.2 },
  thresholds: { high: 0.9, mid: 0.6 },
  candidateLimit: 20,
  enabledKinds: [...entityKinds],
});

/** The band of a score: ≥ high → HIGH, ≥ mid → MID, else LOW. */
export function bandOf(score: number, config: Pick<ErConfig, 'thresholds'> = defaultErConfig): Band {
  if (score >= config.thresholds.high) return 'HIGH';
  if (score >= config.thresholds.mid) return 'MID';
  return 'LOW';
}
