import { Duration } from 'aws-cdk-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reviewBacklogMetric } from '../../infra/cdk/observability/dashboards.js';
import { reviewBacklogAgeLimitS } from '../core/cost/metrics.js';
import { cloudwatch, prometheus } from '../core/metrics/names.js';
import { type BacklogSource, reportReviewBacklogs } from './backlog.js';
import { EmfIntakeMetrics, PromIntakeMetrics } from './metrics.js';

const now = Date.parse('2026-12-05T12:00:00Z');
const hoursAgo = (h: number) => new Date(now - h * 3600_000).toISOString();

/** An in-memory backlog source: tenant → backlog. */
function source(backlogs: Record<string, { open: number; oldestCreatedAt: string | null }>): BacklogSource {
  return {
    backlogTenants: async () => Object.keys(backlogs).sort(),
    backlog: async (tenant) => backlogs[tenant]!,
  };
}

/** The EMF documents Powertools writes to stdout while `work` runs. */
async function emfWrittenBy(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('scheduled review backlog metrics', () => {
  it("emits every tenant's backlog as EMF under exactly the namespace, metric and dimensions the backlog-age alarm reads", async () => {
    const docs = await emfWrittenBy(() =>
      reportReviewBacklogs(
        source({ acme: { open: 3, oldestCreatedAt: hoursAgo(30) }, beta: { open: 1, oldestCreatedAt: hoursAgo(2) } }),
        new EmfIntakeMetrics('prod'),
        new Set(),
        () => now,
      ),
    );

    const alarm = reviewBacklogMetric(cloudwatch.reviewBacklogOldestAge, Duration.minutes(15));
    const dashboardOpen = reviewBacklogMetric(cloudwatch.reviewBacklogOpen, Duration.minutes(5));
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      const meta = (
        doc._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      ).CloudWatchMetrics[0]!;
      expect(meta.Namespace).toBe(alarm.namespace);
      expect(meta.Metrics.map((m) => m.Name).sort()).toEqual([alarm.metricName, dashboardOpen.metricName].sort());
      // The alarm's dimensions, name for name and value for value, are the document's dimension set.
      expect(meta.Dimensions).toEqual([Object.keys(alarm.dimensions ?? {})]);
      for (const [name, value] of Object.entries(alarm.dimensions ?? {})) expect(doc[name]).toBe(value);
    }
    const ages = docs.map((d) => d[cloudwatch.reviewBacklogOldestAge.name]);
    expect(ages).toEqual([30 * 3600, 2 * 3600]);
    expect(Math.max(...(ages as number[]))).toBeGreaterThan(reviewBacklogAgeLimitS);
  });

  it('reports a tenant whose backlog emptied as 0 on the next sweep, so its gauge does not stay stale', async () => {
    const metrics = new PromIntakeMetrics();
    const reported = new Set<string>();
    await reportReviewBacklogs(
      source({ acme: { open: 2, oldestCreatedAt: hoursAgo(5) } }),
      metrics,
      reported,
      () => now,
    );
    const first = await metrics.registry.getSingleMetricAsString(prometheus.reviewBacklogOldestAge.name);
    const sweep = await reportReviewBacklogs(source({}), metrics, reported, () => now);
    const second = await metrics.registry.getSingleMetricAsString(prometheus.reviewBacklogOldestAge.name);

    expect(first).toContain(`${prometheus.reviewBacklogOldestAge.name}{tenant="acme"} 18000`);
    expect(second).toContain(`${prometheus.reviewBacklogOldestAge.name}{tenant="acme"} 0`);
    expect(sweep).toEqual({ tenants: 0, open: 0, oldestAgeMs: 0 });
    expect(reported.size).toBe(0);
  });
});
