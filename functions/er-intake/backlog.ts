/**
 * The review backlog metrics on a schedule: every tenant with open or deferred candidates gets its backlog size and
 * oldest age reported, whether or not anyone reads the queue or any event arrives. The consumer also reports after
 * each batch that opened reviews; this keeps a quiet tenant's backlog age growing in the metrics, which is what the
 * backlog-age alarm and the Prometheus rule wait for.
 */
import type { IntakeMetrics } from './metrics.js';

/** Where backlogs are read (the Neo4j review store). */
export interface BacklogSource {
  backlogTenants(): Promise<string[]>;
  backlog(tenant: string): Promise<{ open: number; oldestCreatedAt: string | null }>;
}

export interface BacklogSweep {
  tenants: number;
  open: number;
  /** Largest oldest-candidate age over all tenants (0 when nothing is open). */
  oldestAgeMs: number;
}

/**
 * Reports every tenant's backlog once. A tenant reported by an earlier sweep (`reported`, kept by the caller) whose
 * backlog is now empty is reported as 0, so its gauge does not keep its last value.
 */
export async function reportReviewBacklogs(
  source: BacklogSource,
  metrics: Pick<IntakeMetrics, 'reviewBacklog'>,
  reported: Set<string> = new Set(),
  now: () => number = Date.now,
): Promise<BacklogSweep> {
  const tenants = await source.backlogTenants();
  const sweep: BacklogSweep = { tenants: tenants.length, open: 0, oldestAgeMs: 0 };
  for (const tenant of tenants) {
    const { open, oldestCreatedAt } = await source.backlog(tenant);
    const ageMs = oldestCreatedAt ? Math.max(0, now() - Date.parse(oldestCreatedAt)) : 0;
    metrics.reviewBacklog(tenant, open, ageMs);
    sweep.open += open;
    sweep.oldestAgeMs = Math.max(sweep.oldestAgeMs, ageMs);
  }
  for (const gone of [...reported].filter((t) => !tenants.includes(t))) {
    metrics.reviewBacklog(gone, 0, 0);
    reported.delete(gone);
  }
  for (const t of tenants) reported.add(t);
  return sweep;
}
