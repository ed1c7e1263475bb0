/**
 * Thresholds that belong with the signals the cost model and the backlog alarm read. The metric names and dimensions
 * themselves live in the one registry, functions/core/metrics/names.ts.
 */

/** Oldest open review candidate older than this pages nobody but opens a ticket: reviews are falling behind. */
export const reviewBacklogAgeLimitS = 24 * 3600;
