/**
 * The month's API error budget: a port with a file adapter (local, CI rehearsals) here and the deployed adapter, which
 * reads the same two sums (requests, 5xx) for the calendar month from CloudWatch, in ./cloudwatch-budget.ts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const budgetFileSchema = z.object({
  slo: z.string(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** Availability objective, e.g. 0.999 (DESIGN: API error budget 0.1%). */
  objective: z.number().gt(0).lt(1),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type BudgetReading = z.infer<typeof budgetFileSchema>;

/** Where the rules read the budget from. */
export interface ErrorBudgetSource {
  read(): Promise<BudgetReading>;
}

/** Local adapter: a JSON file of the month's sums. */
export class FileErrorBudget implements ErrorBudgetSource {
  constructor(private readonly path: string) {}
  async read(): Promise<BudgetReading> {
    return budgetFileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
  }
}

/** Fraction of the month's budget left: 1 − (errors / requests) / (1 − objective), clamped to [0, 1]. */
export function remainingBudget(r: BudgetReading): number {
  if (r.requests === 0) return 1;
  const spent = r.errors / r.requests / (1 - r.objective);
  return Math.max(0, Math.min(1, 1 - spent));
}
